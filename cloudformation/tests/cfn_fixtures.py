"""Fixtures of the emulator tests: a moto server on loopback with every stack deployed.

Imported by test_emulator_deploy.py rather than kept in a conftest.py: make test runs
ansible/tests and cloudformation/tests in one pytest session, where a second module named
conftest would replace the first in sys.modules.
"""
import os

import boto3
import pytest

from cfn_emulator import MotoServer, deploy_stack, emulator_variant
from cfn_templates import load_parameters, load_template, stack_name, stacks_of

REGION = "us-east-1"
# Dummy credentials: moto accepts any, and nothing may reach a real account.
EMULATOR_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """The endpoint of a moto server that lives for the whole session; also exported as
    AWS_ENDPOINT_URL (with dummy credentials) for boto3 and for subprocesses."""
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto_server.log").start()
    saved = {key: os.environ.get(key) for key in [*EMULATOR_ENVIRONMENT, "AWS_ENDPOINT_URL"]}
    os.environ.update(EMULATOR_ENVIRONMENT, AWS_ENDPOINT_URL=server.endpoint)
    os.environ.pop("AWS_PROFILE", None)
    try:
        yield server.endpoint
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def aws(emulator):
    """boto3 clients bound to the emulator."""
    session = boto3.session.Session(region_name=REGION)
    return lambda service: session.client(service, endpoint_url=emulator)


def _emulator_parameters(aws, environment, stack):
    """The environment's parameter file, with the few values that name real-account
    resources replaced by ones that exist in the emulator."""
    parameters = load_parameters(environment, stack)
    if stack == "load-balancer":
        zone = aws("route53").create_hosted_zone(
            Name=parameters["DomainName"], CallerReference=f"tests-{environment}")["HostedZone"]
        parameters["HostedZoneId"] = zone["Id"].split("/")[-1]
        # An existing certificate: moto cannot create AWS::CertificateManager::Certificate.
        parameters["CertificateArn"] = aws("acm").request_certificate(
            DomainName=parameters["DomainName"], ValidationMethod="DNS")["CertificateArn"]
    if stack == "jenkins":
        parameters["WebhookSourcePrefixListId"] = aws("ec2").create_managed_prefix_list(
            PrefixListName="source-control-webhooks", MaxEntries=4, AddressFamily="IPv4",
            Entries=[{"Cidr": "192.30.252.0/22"}, {"Cidr": "140.82.112.0/20"}],
        )["PrefixList"]["PrefixListId"]
    return parameters


class Deployment:
    """The stacks of one environment as deployed into the emulator."""

    def __init__(self, environment):
        self.environment = environment
        self.stacks = {}      # stack -> describe_stacks result
        self.dropped = {}     # stack -> what the emulator variant left out, and why
        self.parameters = {}  # stack -> parameters used

    def outputs(self, stack):
        return {o["OutputKey"]: o["OutputValue"] for o in self.stacks[stack].get("Outputs", [])}


@pytest.fixture(scope="session")
def deployments(aws):
    """Deploys each environment's stacks in order, once per session, on first use."""
    cache = {}

    def deploy(environment):
        if environment not in cache:
            deployment = Deployment(environment)
            for stack in stacks_of(environment):
                variant, dropped = emulator_variant(load_template(stack))
                deployment.dropped[stack] = dropped
                deployment.parameters[stack] = _emulator_parameters(aws, environment, stack)
                deployment.stacks[stack] = deploy_stack(
                    aws("cloudformation"), stack_name(environment, stack), variant,
                    deployment.parameters[stack])
            cache[environment] = deployment
        return cache[environment]

    return deploy

