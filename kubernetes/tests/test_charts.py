"""The pinned charts of the controllers the service relies on (kubernetes/charts) against the
EKS stack that gives them their AWS permissions and against the manifests that use them."""
import re

import yaml

from kubernetes_manifests import KUBERNETES_DIR, KUBERNETES_VERSION, render_namespace, the_object
from cfn_templates import load_template  # noqa: E402  (on the path through kubernetes_manifests)

CHARTS_DIR = KUBERNETES_DIR / "charts"
CHARTS = yaml.safe_load((CHARTS_DIR / "charts.yaml").read_text())["charts"]
EKS = load_template("eks")


def values(chart):
    return yaml.safe_load((CHARTS_DIR / CHARTS[chart]["values"]).read_text())


def test_every_chart_is_pinned_to_an_exact_version_with_its_values():
    assert set(CHARTS) == {"aws-load-balancer-controller", "cluster-autoscaler"}
    for name, chart in CHARTS.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", chart["version"]), name
        assert (CHARTS_DIR / chart["values"]).is_file(), name
    assert sorted(p.name for p in CHARTS_DIR.glob("*.values.yaml")) == sorted(c["values"] for c in CHARTS.values())


def _pod_identities():
    """(namespace, service account) -> the role's logical id, from the EKS stack."""
    return {(r["Properties"]["Namespace"], r["Properties"]["ServiceAccount"]): r["Properties"]["RoleArn"]["Fn::GetAtt"][0]
            for r in EKS["Resources"].values() if r["Type"] == "AWS::EKS::PodIdentityAssociation"}


def test_each_controller_runs_as_the_service_account_its_pod_identity_names():
    controller, autoscaler = values("aws-load-balancer-controller"), values("cluster-autoscaler")
    assert _pod_identities() == {
        (CHARTS["aws-load-balancer-controller"]["namespace"], controller["serviceAccount"]["name"]):
            "LoadBalancerControllerRole",
        (CHARTS["cluster-autoscaler"]["namespace"], autoscaler["rbac"]["serviceAccount"]["name"]): "ClusterAutoscalerRole",
    }
    assert controller["serviceAccount"]["create"] and autoscaler["rbac"]["serviceAccount"]["create"]


def test_the_cluster_autoscaler_is_the_clusters_minor_version():
    assert re.fullmatch(r"v(\d+\.\d+)\.\d+", values("cluster-autoscaler")["image"]["tag"]).group(1) == KUBERNETES_VERSION


def test_the_cluster_autoscaler_discovers_the_node_groups_eks_tags_for_it():
    autoscaler = values("cluster-autoscaler")
    assert autoscaler["cloudProvider"] == "aws"
    assert autoscaler["autoDiscovery"]["tags"] == [
        "k8s.io/cluster-autoscaler/enabled", "k8s.io/cluster-autoscaler/{{ .Values.autoDiscovery.clusterName }}"]
    assert autoscaler["extraArgs"]["balance-similar-node-groups"] is True


def test_the_controller_makes_ip_targets_and_calls_no_api_its_role_does_not_allow():
    controller = values("aws-load-balancer-controller")
    assert controller["defaultTargetType"] == "ip"
    assert (controller["enableShield"], controller["enableWaf"], controller["enableWafv2"]) == (False, False, False)
    role = EKS["Resources"]["LoadBalancerControllerRole"]["Properties"]
    actions = {a for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]
               for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
    assert not {a for a in actions if a.split(":")[0] in ("waf-regional", "wafv2", "shield", "cognito-idp")}
    # the webhook that injects the readiness gate stays up through a node drain
    assert controller["replicaCount"] >= 2 and controller["podDisruptionBudget"] == {"maxUnavailable": 1}


def test_the_deploy_role_may_deploy_into_the_namespace_of_the_manifests_and_nowhere_else():
    access = EKS["Resources"]["DeployRoleAccess"]["Properties"]
    [policy] = access["AccessPolicies"]
    assert policy["AccessScope"] == {"Type": "namespace", "Namespaces": [{"Ref": "ServiceName"}]}
    # the overlays' objects are all in this namespace (test_kustomize_manifests.py)
    assert the_object(render_namespace(), "Namespace")["metadata"]["name"] == EKS["Parameters"]["ServiceName"]["Default"]
