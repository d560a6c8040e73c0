"""The Jenkins controller as code (jenkins/casc.yaml, plugins.txt, agent-init.sh) and as the
stack starts it (jenkins.yaml): its security settings, who may do what, the agents a build
of each kind runs on, and what of it reaches GitHub and the office (nginx).

What only a running Jenkins with these plugins can check, and this cannot: the JCasC schema
(the plugins generate it at run time, /manage/configuration-as-code/schema), that every
attribute is one the pinned plugin versions accept, and that the pinned versions resolve
together for JenkinsVersion (the plugin installation manager does at boot, with the update
center). Here the file is read as YAML, its settings asserted, and the agent templates'
attributes checked against those the pinned ec2 plugin's classes take."""
import re
import subprocess

import pytest
import yaml

from cfn_templates import ENVIRONMENTS, REPO_ROOT, SERVICE, load_parameters, load_template, the_resource
from deploy_roles import AGENT_ROLES, BUILD_AGENT_ROLE, CONTROLLER_ROLE, DEPLOY_ROLES, rendered
from iam_evaluation import RenderedTemplate

JENKINS_DIR = REPO_ROOT / "jenkins"
CASC_TEXT = (JENKINS_DIR / "casc.yaml").read_text()
CASC = yaml.safe_load(CASC_TEXT)
JENKINS = CASC["jenkins"]
[CLOUD] = [cloud["amazonEC2"] for cloud in JENKINS["clouds"]]
TEMPLATES = {template["labelString"]: template for template in CLOUD["templates"]}
# Secrets JCasC reads from files (the SSM parameters under /<service>/ci/jenkins).
SECRETS = {"github-oauth-client-id", "github-oauth-client-secret", "github-webhook-secret", "agent-ssh-private-key"}
ENTRIES = {entry["group"]["name"]: set(entry["group"]["permissions"])
           for entry in JENKINS["authorizationStrategy"]["globalMatrix"]["entries"]}


def _user_data():
    """The controller's user data as the ci parameter file renders it."""
    template = RenderedTemplate("jenkins", "ci", "timekeeper-ci-jenkins", resources={
        "JenkinsHomeVolume": "vol-0123456789abcdef0", "AgentSecurityGroup": "sg-0a9e0000000000001"})
    return template.render(the_resource(load_template("jenkins"), "AWS::EC2::Instance")["Properties"]["UserData"][
        "Fn::Base64"])


USER_DATA = _user_data()
CASC_ENV = dict(line.split("=", 1) for line in re.search(
    r"cat > /etc/jenkins/casc.env <<ENVIRONMENT\n(.*?)\nENVIRONMENT\n", USER_DATA, re.S).group(1).splitlines())


def test_no_build_runs_on_the_controller():
    assert JENKINS["numExecutors"] == 0 and JENKINS["mode"] == "EXCLUSIVE"
    # no inbound agent port, no SSH server on the controller: agents are reached over SSH
    assert JENKINS["slaveAgentPort"] == -1 and CASC["security"]["sSHD"]["port"] == -1


def test_csrf_protection_and_no_legacy_tokens():
    assert JENKINS["crumbIssuer"] == {"standard": {"excludeClientIPFromCrumb": False}}
    assert CASC["security"]["apiToken"]["creationOfLegacyTokenEnabled"] is False
    assert JENKINS["disableRememberMe"] is True and JENKINS["markupFormatter"] == "plainText"


def test_agent_to_controller_security_is_jenkins_own():
    # Enforced by every Jenkins since 2.326, with no switch left; configuration-as-code
    # refuses the old remotingSecurity key at boot. The pinned release must be past it.
    assert "remotingSecurity" not in JENKINS
    version = load_template("jenkins")["Parameters"]["JenkinsVersion"]["Default"]
    assert tuple(map(int, version.split("."))) >= (2, 326)


def test_sign_in_with_github_and_a_matrix_that_gives_anonymous_nothing():
    realm = JENKINS["securityRealm"]["github"]
    assert realm["clientSecret"] == "${github-oauth-client-secret}"
    organisation = "${GITHUB_ORGANIZATION}"
    assert ENTRIES == {
        f"{organisation}*jenkins-admins": {"Overall/Administer"},
        f"{organisation}*${{SERVICE_NAME}}-releasers": {"Overall/Read", "Job/Read", "Job/Build", "Job/Cancel"},
        organisation: {"Overall/Read", "Job/Read"},
    }
    assert not {"anonymous", "authenticated"} & set(ENTRIES)
    # matrix-auth refuses an unknown permission at boot: the names Jenkins core defines
    known = {"Overall/Administer", "Overall/Read", "Overall/SystemRead", "Job/Build", "Job/Cancel", "Job/Configure",
             "Job/Create", "Job/Delete", "Job/Discover", "Job/Move", "Job/Read", "Job/Workspace", "Run/Delete",
             "Run/Replay", "Run/Update", "View/Configure", "View/Create", "View/Delete", "View/Read",
             "Agent/Build", "Agent/Configure", "Agent/Connect", "Agent/Create", "Agent/Delete", "Agent/Disconnect",
             "SCM/Tag"}
    assert set().union(*ENTRIES.values()) <= known


def test_only_administrators_may_change_or_replay_what_runs():
    dangerous = {"Run/Replay", "Job/Configure", "Job/Create", "Agent/Configure", "Agent/Create", "Agent/Connect",
                 "Credentials/View", "Credentials/Create", "Credentials/Update", "Job/Workspace", "Overall/Administer"}
    for group, permissions in ENTRIES.items():
        if not group.endswith("*jenkins-admins"):
            assert not permissions & dangerous, group


def test_the_releasers_are_the_approvers_of_the_pipeline():
    # the realm's name of the team (<organisation>*<team>), handed to every build
    [variables] = [p["envVars"]["env"] for p in JENKINS["globalNodeProperties"]]
    assert variables == [{"key": "RELEASE_APPROVERS", "value": "${GITHUB_ORGANIZATION}*${SERVICE_NAME}-releasers"}]
    assert variables[0]["value"] in ENTRIES
    jenkinsfile = (REPO_ROOT / "Jenkinsfile").read_text()
    assert re.search(r"approvers: env\.RELEASE_APPROVERS \?: error\(", jenkinsfile)


def test_the_github_webhook_is_signed_with_a_secret():
    github = CASC["unclassified"]["gitHubPluginConfig"]
    [secret] = github["hookSecretConfigs"]
    [credential] = [c["string"] for c in CASC["credentials"]["system"]["domainCredentials"][0]["credentials"]
                    if "string" in c and c["string"]["id"] == secret["credentialsId"]]
    assert credential["secret"] == "${github-webhook-secret}"
    assert github["hookUrl"] == "${JENKINS_URL}github-webhook/"


def test_every_value_the_configuration_reads_is_given_at_boot():
    settings = "\n".join(line for line in CASC_TEXT.splitlines() if not line.lstrip().startswith("#"))
    names = set(re.findall(r"\$\{([^}:]+)\}", settings))
    assert names - SECRETS == set(CASC_ENV)
    # the secrets: files of the SSM parameters the controller's role may read
    assert "get-parameters-by-path" in USER_DATA and "--path '/timekeeper/ci/jenkins'" in USER_DATA
    assert CONTROLLER_ROLE.allows("ssm:GetParametersByPath",
                                  "arn:aws:ssm:eu-west-1:123456789012:parameter/timekeeper/ci/jenkins")
    assert 'Environment="SECRETS=$SECRETS"' in USER_DATA
    assert 'Environment="CASC_JENKINS_CONFIG=$CONFIGURATION/jenkins/casc.yaml"' in USER_DATA


def test_the_configuration_comes_from_a_pinned_commit_with_pinned_plugins():
    assert re.search(r"^readonly CONFIGURATION=/opt/jenkins-configuration$", USER_DATA, re.M)
    commit = load_parameters("ci", "jenkins")["ConfigurationCommit"]
    assert f"git -C \"$CONFIGURATION\" checkout --quiet '{commit}'" in USER_DATA
    assert "--plugin-file \"$CONFIGURATION/jenkins/plugins.txt\"" in USER_DATA
    version = load_template("jenkins")["Parameters"]["JenkinsVersion"]["Default"]
    assert f"--jenkins-version '{version}'" in USER_DATA and f"'jenkins-{version}'" in USER_DATA
    plugins = [line for line in (JENKINS_DIR / "plugins.txt").read_text().splitlines()
               if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[a-z0-9-]+:[0-9][0-9A-Za-z._-]*", line) for line in plugins), plugins
    ids = {line.split(":")[0] for line in plugins}
    assert {"configuration-as-code", "github-oauth", "matrix-auth", "ec2", "job-restrictions", "github",
            "github-branch-source", "pipeline-utility-steps", "lockable-resources"} <= ids
    assert len(ids) == len(plugins), "one pin per plugin"


def test_the_pipeline_asks_for_the_agents_the_controller_starts():
    jenkinsfile = (REPO_ROOT / "Jenkinsfile").read_text()
    build = re.search(r"agentLabel: '([^']+)'", jenkinsfile).group(1)
    deploy = re.search(r"deployAgentLabel: '([^']+)'", jenkinsfile).group(1)
    assert set(TEMPLATES) == {build, *(deploy.replace("{environment}", e) for e in ENVIRONMENTS)}
    assert "nodeProperties" not in TEMPLATES[build]


def test_agents_are_spot_instances_started_for_one_build():
    assert set(TEMPLATES) == {"build", *(f"deploy-{environment}" for environment in ENVIRONMENTS)}
    for label, template in TEMPLATES.items():
        assert template["mode"] == "EXCLUSIVE" and template["numExecutors"] == 1, label
        assert template["maxTotalUses"] == 1, label
        assert template["spotConfig"]["useBidPrice"] is False, label
        assert template["metadataTokensRequired"] is True and template["metadataHopsLimit"] == 1, label
        assert template["ebsEncryptRootVolume"] == "ENCRYPTED", label
        assert template["hostKeyVerificationStrategy"] == "CHECK_NEW_HARD", label
        assert template["securityGroups"] == "${AGENT_SECURITY_GROUP_ID}", label
        assert template["initScript"] == "${readFile:/opt/jenkins-configuration/jenkins/agent-init.sh}", label
        # the tag the controller's role may stop and terminate instances by
        assert template["tags"] == [{"name": "JenkinsAgentOf", "value": "${CONTROLLER_STACK}"}], label
    assert CASC_ENV["CONTROLLER_STACK"] == "timekeeper-ci-jenkins"
    assert CASC_ENV["AGENT_SECURITY_GROUP_ID"] == "sg-0a9e0000000000001"
    result = subprocess.run(["bash", "-n", str(JENKINS_DIR / "agent-init.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_each_agent_runs_with_the_role_of_its_kind():
    assert TEMPLATES["build"]["iamInstanceProfile"] == "${BUILD_AGENT_PROFILE_ARN}"
    assert CASC_ENV["BUILD_AGENT_PROFILE_ARN"] == BUILD_AGENT_ROLE.arn.replace(":role/", ":instance-profile/").replace(
        "BuildAgentRole", "BuildAgentInstanceProfile")
    assert "nodeProperties" not in TEMPLATES["build"]
    for environment in ENVIRONMENTS:
        deploy = rendered("deploy", environment)
        profile = deploy.render({"Fn::GetAtt": ["AgentInstanceProfile", "Arn"]})
        configured = TEMPLATES[f"deploy-{environment}"]["iamInstanceProfile"]
        assert configured.replace("${AWS_ACCOUNT_ID}", "123456789012").replace("${SERVICE_NAME}", "timekeeper") == \
            profile
        # the agent's AWS configuration assumes the role named after its profile (agent-init.sh)
        profile_name = profile.rsplit("/", 1)[1]
        assert AGENT_ROLES[environment].arn.rsplit("/", 1)[1] == profile_name
        assert DEPLOY_ROLES[environment].arn.rsplit("/", 1)[1] == profile_name.removesuffix("-agent")
    assert 'role_arn = arn:$partition:iam::$account_id:role/${profile_name%-agent}' in (
        JENKINS_DIR / "agent-init.sh").read_text()


def test_agents_install_the_kubectl_of_the_clusters_kubernetes_version():
    script = (JENKINS_DIR / "agent-init.sh").read_text()
    [version] = re.findall(r"^KUBECTL_VERSION=v(\d+\.\d+)\.\d+$", script, re.MULTILINE)
    assert version == load_template("eks")["Parameters"]["KubernetesVersion"]["Default"]
    assert 'kubectl_url="https://dl.k8s.io/release/$KUBECTL_VERSION/bin/linux/$kubectl_arch/kubectl"' in script
    # the binary is installed only once it matches the checksum published beside it
    check = script.index('| sha256sum --check')
    assert 'curl -fsSL "$kubectl_url.sha256"' in script[:check]
    assert script.index("sudo install -m 0755 /tmp/kubectl /usr/local/bin/kubectl") > check


def _branch_targets():
    """Each branch's (and a release tag's) last environment, from shipService's defaults."""
    source = (REPO_ROOT / "jenkins-lib/vars/shipService.groovy").read_text()
    branches = dict(re.findall(r"(\w+): '(\w+)'", re.search(r"branchEnvironments: \[([^\]]+)\]", source).group(1)))
    path = re.findall(r"'(\w+)'", re.search(r"promotionPath: \[([^\]]+)\]", source).group(1))
    tag_target = re.search(r"releaseTagEnvironment: '(\w+)'", source).group(1)
    assert path == list(ENVIRONMENTS)
    return {**branches, "v1.4.2": tag_target}


def _restriction(environment):
    properties = TEMPLATES[f"deploy-{environment}"]["nodeProperties"]
    [restriction] = [p["jobRestrictionProperty"]["jobRestriction"]["regexNameRestriction"] for p in properties]
    assert restriction["checkShortName"] is False
    return restriction["regexExpression"].replace("${SERVICE_NAME}", SERVICE["name"])


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_deploy_agents_take_only_the_jobs_of_branches_that_deploy_there(environment):
    pattern = _restriction(environment)
    for branch, target in _branch_targets().items():
        deploys_here = ENVIRONMENTS.index(environment) <= ENVIRONMENTS.index(target)
        assert bool(re.fullmatch(pattern, f"{SERVICE['name']}/{branch}")) == deploys_here, (branch, pattern)
    for job in ("PR-12", "feature-x", "main-copy", "dev/x", "v1.4.2/x"):
        assert not re.fullmatch(pattern, f"{SERVICE['name']}/{job}"), job
    assert not re.fullmatch(pattern, "other-service/main")


def _nginx_locations():
    config = re.search(r"cat > /etc/nginx/conf.d/jenkins.conf <<'NGINX'\n(.*?)\nNGINX\n", USER_DATA, re.S).group(1)
    return dict(re.findall(r"location ([^{]+?) \{\n(.*?)\n  \}", config, re.S)), config


def test_github_reaches_the_webhook_path_and_the_office_everything():
    locations, config = _nginx_locations()
    office = load_parameters("ci", "jenkins")["OfficeCidr"]
    assert set(locations) == {"= /github-webhook/", "/"}
    webhook = locations["= /github-webhook/"]
    assert "limit_except POST { deny all; }" in webhook and "allow" not in webhook.replace("limit_except", "")
    assert re.search(rf"allow {re.escape(office)};\s+deny all;", locations["/"])
    assert "$proxy_add_x_forwarded_for" not in config, "a client cannot pass its own X-Forwarded-For on"
    # the path the webhook is delivered to is the one the GitHub plugin listens on
    assert CASC["unclassified"]["gitHubPluginConfig"]["hookUrl"].endswith("github-webhook/")


# What the pinned ec2 plugin (plugins.txt) accepts, read from its source at that release:
# SlaveTemplate's @DataBoundConstructor parameters and @DataBoundSetters, EC2Cloud's, and the
# enums the templates name. configuration-as-code refuses any other attribute at boot; this
# catches a typo before a controller does. Raise these with the plugin's pin.
EC2_PLUGIN_PIN = "ec2:2059.v05f9d511d7e5"
EC2_CLOUD_ATTRIBUTES = {"name", "useInstanceProfileForCredentials", "credentialsId", "region", "privateKey",
                        "sshKeysCredentialsId", "instanceCapStr", "templates", "roleArn", "roleSessionName",
                        "altEC2Endpoint", "cleanUpOrphanedNodes", "noDelayProvisioning"}
EC2_TEMPLATE_ATTRIBUTES = {
    "ami", "amiFilters", "amiOwners", "amiType", "amiUsers", "associateIPStrategy", "associatePublicIp",
    "avoidUsingOrphanedNodes", "connectBySSHProcess", "connectUsingPublicIp", "connectionStrategy",
    "customDeviceMapping", "deleteRootOnTermination", "description", "ebsEncryptRootVolume", "ebsOptimized",
    "enclaveEnabled", "hostKeyVerificationStrategy", "iamInstanceProfile", "idleTerminationMinutes", "initScript",
    "instanceCapStr", "javaPath", "jvmopts", "labelString", "launchTimeoutStr", "maxTotalUses",
    "metadataEndpointEnabled", "metadataHopsLimit", "metadataSupported", "metadataTokensRequired",
    "minimumNumberOfInstances", "minimumNumberOfInstancesTimeRangeConfig", "minimumNumberOfSpareInstances", "mode",
    "monitoring", "nestedVirtualizationEnabled", "nodeProperties", "numExecutors", "remoteAdmin", "remoteFS",
    "securityGroups", "spotConfig", "stopOnTerminate", "subnetId", "t2Unlimited", "tags", "tenancy",
    "terminateIdleDuringShutdown", "tmpDir", "type", "useEphemeralDevices", "usePrivateDnsName", "userData", "zone"}
EC2_ENUMS = {"associateIPStrategy": {"SUBNET", "PUBLIC_IP", "PRIVATE_IP", "DEFAULT"},
             "connectionStrategy": {"PUBLIC_DNS", "PUBLIC_IP", "PRIVATE_DNS", "PRIVATE_IP"},
             "hostKeyVerificationStrategy": {"CHECK_NEW_HARD", "CHECK_NEW_SOFT", "ACCEPT_NEW", "OFF"},
             "ebsEncryptRootVolume": {"DEFAULT", "ENCRYPTED", "UNENCRYPTED"}}


def test_the_agent_templates_use_only_what_the_pinned_ec2_plugin_accepts():
    assert EC2_PLUGIN_PIN in (JENKINS_DIR / "plugins.txt").read_text().splitlines()
    assert set(CLOUD) <= EC2_CLOUD_ATTRIBUTES
    for label, template in TEMPLATES.items():
        assert set(template) <= EC2_TEMPLATE_ATTRIBUTES, (label, set(template) - EC2_TEMPLATE_ATTRIBUTES)
        for attribute, values in EC2_ENUMS.items():
            assert template[attribute] in values, (label, attribute)
        assert set(template["amiType"]["unixData"]) <= {"rootCommandPrefix", "slaveCommandPrefix",
                                                          "slaveCommandSuffix", "sshPort", "bootDelay"}
        assert set(template["spotConfig"]) <= {"useBidPrice", "spotMaxBidPrice", "fallbackToOndemand",
                                               "spotBlockReservationDuration"}
