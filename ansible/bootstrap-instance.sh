#!/usr/bin/env bash
# What an EC2 instance runs from its release's Ansible bundle, once the user data
# (cloudformation/app.yaml) has fetched the bundle and checked it against the release
# record: Ansible and the AWS SDK at the bundle's own pins (not the controller's lint and
# supervisor) in a virtualenv, then bootstrap.yml on this host. It ships with the playbooks,
# so the variables it passes always match them. The user data reports a failure
# (cfn-signal, instance health) and signals success.
#
# Environment, from the user data: ANSIBLE_VENV, SERVICE_ENVIRONMENT, RELEASE_VERSION,
# RELEASE_SHA256 (the record's digest of the jar, which the role checks the download
# against), ARTIFACT_BUCKET, INSTANCE_ID, AVAILABILITY_ZONE, VPC_CIDR.
set -euo pipefail
cd "$(dirname "$0")/.."

python3.11 -m venv "$ANSIBLE_VENV"
mapfile -t pins < <(grep -E '^(ansible|ansible-core|boto3|botocore)==' ansible/requirements.txt)
if [ "${#pins[@]}" -ne 4 ]; then
  echo "the bundle's ansible/requirements.txt pins no ansible, ansible-core, boto3 and botocore" >&2
  exit 1
fi
"$ANSIBLE_VENV/bin/pip" install -q "${pins[@]}"

# group_vars/all/node.yml maps these to the service's settings; the service's name, ports and
# paths are its contract's (service.yml, beside ansible/ in the bundle).
ANSIBLE_CONFIG="$PWD/ansible/ansible.cfg" "$ANSIBLE_VENV/bin/ansible-playbook" ansible/bootstrap.yml \
  -i localhost, -c local \
  -e ansible_python_interpreter="$ANSIBLE_VENV/bin/python" \
  -e service_environment="$SERVICE_ENVIRONMENT" \
  -e release_version="$RELEASE_VERSION" \
  -e release_sha256="$RELEASE_SHA256" \
  -e service_artifact_bucket="$ARTIFACT_BUCKET" \
  -e service_instance_id="$INSTANCE_ID" \
  -e service_availability_zone="$AVAILABILITY_ZONE" \
  -e vpc_cidr="$VPC_CIDR"
