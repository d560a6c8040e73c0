#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Ansible module: hold an Auto Scaling group's shape while nodes of it are in Standby for a
deploy, and release it afterwards."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: auto_scaling_hold
short_description: Make room in an Auto Scaling group for nodes in Standby, and give it back
description:
  - V(held) prepares the group for O(room) of its instances to enter Standby with the desired
    capacity decremented (so the group launches no replacement for them): it suspends
    O(processes) (AZRebalance by default, which would otherwise move instances between zones
    while the zones' counts are uneven), and when the desired capacity minus O(room) would fall
    below the minimum size, lowers the minimum size to fit (AWS refuses EnterStandby below it:
    "To place into standby 1 instances, please update the AutoScalingGroup sizes
    appropriately"). The minimum it replaced is kept in the group's tag O(tag_key), so a run
    killed halfway still knows it.
  - V(released) puts the minimum size from that tag back, deletes the tag, and resumes
    O(processes), once no instance of the group is in Standby any more. While one still is
    (another node of the batch, or one whose return failed), it does neither: the old minimum
    would raise the desired capacity over the instances in service, and the group would
    launch a replacement for the node in Standby.
  - Only MinSize is ever written: C(amazon.aws.autoscaling_group) cannot serve here, since
    updating an existing group with it resets HealthCheckType to EC2 and the grace period and
    cooldown to 300 s unless every one of them is given again.
options:
  group_name:
    description: Name of the Auto Scaling group.
    type: str
    required: true
  state:
    description: V(held) before instances enter Standby, V(released) after they left it.
    type: str
    choices: [held, released]
    required: true
  room:
    description: How many instances will be in Standby at once (the deploy's batch size).
    type: int
    default: 1
  processes:
    description: Scaling processes suspended while held.
    type: list
    elements: str
    default: [AZRebalance]
  tag_key:
    description: Tag of the group that keeps the minimum size while it is lowered.
    type: str
    required: true
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

RETURN = r"""
min_size:
  description: The group's minimum size afterwards.
  type: int
  returned: always
desired_capacity:
  description: The group's desired capacity afterwards.
  type: int
  returned: always
held_min_size:
  description: The minimum size kept in the tag (null when none is).
  type: int
  returned: always
in_standby:
  description: The group's instances in Standby (or entering it) afterwards.
  type: list
  elements: str
  returned: always
suspended_processes:
  description: The group's suspended processes afterwards.
  type: list
  elements: str
  returned: always
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule


def describe(client, name):
    groups = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    if not groups:
        raise LookupError("no Auto Scaling group named %s" % name)
    return groups[0]


def held_min_size(group, tag_key):
    values = [tag["Value"] for tag in group.get("Tags", []) if tag["Key"] == tag_key]
    return int(values[0]) if values else None


def suspended(group):
    return sorted(process["ProcessName"] for process in group.get("SuspendedProcesses", []))


def hold(client, module, group):
    name, tag_key, room = module.params["group_name"], module.params["tag_key"], module.params["room"]
    changed = False
    to_suspend = [p for p in module.params["processes"] if p not in suspended(group)]
    if to_suspend:
        changed = True
        if not module.check_mode:
            client.suspend_processes(AutoScalingGroupName=name, ScalingProcesses=to_suspend)
    floor = max(group["DesiredCapacity"] - room, 0)
    if floor < group["MinSize"]:
        changed = True
        if not module.check_mode:
            if held_min_size(group, tag_key) is None:
                client.create_or_update_tags(Tags=[{
                    "ResourceId": name, "ResourceType": "auto-scaling-group", "Key": tag_key,
                    "Value": str(group["MinSize"]), "PropagateAtLaunch": False}])
            client.update_auto_scaling_group(AutoScalingGroupName=name, MinSize=floor)
    return changed


def in_standby(group):
    return sorted(instance["InstanceId"] for instance in group.get("Instances", [])
                  if instance["LifecycleState"] in ("Standby", "EnteringStandby"))


def release(client, module, group):
    name, tag_key = module.params["group_name"], module.params["tag_key"]
    changed = False
    if in_standby(group):
        return changed
    minimum = held_min_size(group, tag_key)
    if minimum is not None:
        changed = True
        if not module.check_mode:
            if group["MinSize"] != minimum:
                client.update_auto_scaling_group(AutoScalingGroupName=name, MinSize=minimum)
            client.delete_tags(Tags=[{"ResourceId": name, "ResourceType": "auto-scaling-group", "Key": tag_key}])
    to_resume = [p for p in module.params["processes"] if p in suspended(group)]
    if to_resume:
        changed = True
        if not module.check_mode:
            client.resume_processes(AutoScalingGroupName=name, ScalingProcesses=to_resume)
    return changed


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            group_name=dict(type="str", required=True),
            state=dict(type="str", required=True, choices=["held", "released"]),
            room=dict(type="int", default=1),
            processes=dict(type="list", elements="str", default=["AZRebalance"]),
            tag_key=dict(type="str", required=True, no_log=False),
        ),
        supports_check_mode=True,
    )
    if module.params["room"] < 1:
        module.fail_json(msg="room must be at least 1, not %d" % module.params["room"])
    client = module.client("autoscaling")
    name = module.params["group_name"]
    try:
        group = describe(client, name)
        step = hold if module.params["state"] == "held" else release
        changed = step(client, module, group)
        after = describe(client, name)
    except LookupError as error:
        module.fail_json(msg=str(error))
    except Exception as error:  # botocore's ClientError and BotoCoreError alike
        module.fail_json_aws(error, msg="Auto Scaling group %s: %s" % (name, module.params["state"]))
    module.exit_json(changed=changed, min_size=after["MinSize"], desired_capacity=after["DesiredCapacity"],
                     held_min_size=held_min_size(after, module.params["tag_key"]), in_standby=in_standby(after),
                     suspended_processes=suspended(after))


if __name__ == "__main__":
    main()
