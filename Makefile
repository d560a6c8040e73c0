# The commands a person runs. Each installs what it needs first (bin/setup).
#   make demo      the local fleet demo: up, load, rolling deploy, report, down
#   make test      every test of the repository (what CI runs)
#   make up | status | deploy RELEASE_VERSION=x.y.z | scale NODES=n | down   the local fleet by hand
#   make bench     throughput and latency against the Go reference server
#   make soak      SOAK_DEPLOYS (20) rolling deploys in a row under load, a line per deploy
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV     := .venv
MVN      := mvn -B -q -ntp
# The local fleet's commands (up, status, deploy, scale, down): fleet/local_fleet.py
FLEET    := $(VENV)/bin/python fleet/local_fleet.py
# The release version built by `make build` / `make deploy` (the name it has from here to the
# node: the playbooks' release_version, the user data's RELEASE_VERSION; Maven's -Drevision).
RELEASE_VERSION ?= 1.0.0-SNAPSHOT
# Local fleet size for `make up` / `make demo` / `make scale`.
NODES    ?= 3
# HAProxy's retries for `make up` / `make demo`: 0 (the default) behaves as an ALB, no
# retry and no redispatch; 3 is the opt-in of a team that fronts the fleet with a retrying proxy.
LB_RETRIES ?= 0
# Rolling deploys in a row for `make soak`.
SOAK_DEPLOYS ?= 20
export RELEASE_VERSION NODES LB_RETRIES SOAK_DEPLOYS

.PHONY: help setup build test test-java test-python demo soak up status deploy scale down bench

help:
	@sed -n 's/^#   //p' Makefile

setup:
	@bin/setup

# One runnable jar: service/target/timekeeper-$(RELEASE_VERSION).jar
build: setup
	$(MVN) -pl service -am package -DskipTests -Drevision=$(RELEASE_VERSION)

test: setup test-java test-python

# service/ (API, all-zones correctness, drain) and jenkins-lib/ (pipeline tests)
test-java:
	$(MVN) verify

# Ansible (lint, rolling deploy, failure tests on the local fleet) and CloudFormation
# (lint, security scan, deploy into the AWS emulator)
test-python:
	$(VENV)/bin/pytest -p no:cacheprovider ansible/tests cloudformation/tests

demo: setup
	$(VENV)/bin/python fleet/demo.py

soak: setup
	$(VENV)/bin/python fleet/soak.py

up: setup
	$(FLEET) up

status:
	@$(FLEET) status

deploy: setup
	$(FLEET) deploy

scale: setup
	$(FLEET) scale

down:
	$(FLEET) down

bench: setup
	bench/run
