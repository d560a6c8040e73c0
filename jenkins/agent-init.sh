#!/bin/bash
# Every Jenkins agent's first boot (the ec2 plugin runs it over SSH as ec2-user before it
# starts the agent, jenkins/casc.yaml initScript): the tools the Jenkins library's steps call,
# and, on a deploy agent, the AWS configuration that makes every AWS call of the build run
# as its environment's deploy role.
set -Eeuo pipefail

# Java for the agent process and the build, Maven, git; python3.11 for the Ansible
# virtualenv (ansible-core 2.19 needs 3.11; the distribution's python3 is 3.9).
sudo dnf install -y -q java-17-amazon-corretto-headless git maven python3.11
# Session Manager's client, which Ansible's amazon.aws.aws_ssm connection runs to reach the
# instances (inventory/ec2-group_vars): AWS publishes it as an RPM in its own bucket. It
# installs /usr/local/bin/session-manager-plugin, where the connection looks first.
case "$(uname -m)" in
  aarch64) ssm_plugin_arch=linux_arm64 kubectl_arch=arm64 ;;
  *) ssm_plugin_arch=linux_64bit kubectl_arch=amd64 ;;
esac
sudo dnf install -y -q "https://s3.amazonaws.com/session-manager-downloads/plugin/latest/$ssm_plugin_arch/session-manager-plugin.rpm"
session-manager-plugin --version

# kubectl for deployTarget 'eks' (jenkins-lib deployEksService: apply -k with its built-in
# kustomize, rollout status and undo): a release of the clusters' Kubernetes minor version
# (cloudformation/eks.yaml KubernetesVersion; test_jenkins_controller.py compares them),
# checked against the sha256 the Kubernetes release publishes beside the binary.
KUBECTL_VERSION=v1.35.0
kubectl_url="https://dl.k8s.io/release/$KUBECTL_VERSION/bin/linux/$kubectl_arch/kubectl"
curl -fsSLo /tmp/kubectl "$kubectl_url"
echo "$(curl -fsSL "$kubectl_url.sha256")  /tmp/kubectl" | sha256sum --check --quiet
sudo install -m 0755 /tmp/kubectl /usr/local/bin/kubectl
rm -f /tmp/kubectl
kubectl version --client

# A deploy agent's instance profile is <service>-<environment>-deploy-agent (deploy.yaml);
# its one right is assuming <service>-<environment>-deploy, which every AWS CLI, boto3 and
# Ansible call then does (credential_source: the instance's own credentials). A build
# agent's profile is not one of them: it gets no configuration and has no AWS rights.
token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
metadata() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/$1"; }
profile_arn=$(metadata meta-data/iam/info | python3 -c 'import json, sys; print(json.load(sys.stdin)["InstanceProfileArn"])')
profile_name=${profile_arn##*/}
if [[ "$profile_name" == *-deploy-agent ]]; then
  account_id=$(metadata dynamic/instance-identity/document | python3 -c 'import json, sys; print(json.load(sys.stdin)["accountId"])')
  region=$(metadata meta-data/placement/region)
  partition=${profile_arn%%:iam:*}
  partition=${partition#arn:}
  mkdir -p ~/.aws
  cat > ~/.aws/config <<CONFIG
[default]
role_arn = arn:$partition:iam::$account_id:role/${profile_name%-agent}
credential_source = Ec2InstanceMetadata
role_session_name = jenkins-agent
region = $region
CONFIG
fi
