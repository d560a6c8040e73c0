# The commands a person runs. Each installs what it needs first (bin/setup).
#   make demo      the local fleet demo: up, load, rolling deploy, report, down
#   make test      every test of the repository (what CI runs)
#   make up | status | deploy RELEASE_VERSION=x.y.z | scale NODES=n | down   the local fleet by hand
#   make bench     throughput and latency against the Go reference server
#   make image     the container image: container/target/timekeeper-image.tar (timekeeper:RELEASE_VERSION)
#   make push IMAGE_REPOSITORY=registry/name   that image to a registry (ECR), as name:RELEASE_VERSION
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
# Where `make push` sends the image, e.g. <account>.dkr.ecr.<region>.amazonaws.com/timekeeper-dev
# (the ECS stack's RepositoryUri output); PUSH_OPTS adds Jib options (-Djib.allowInsecureRegistries=true).
IMAGE_REPOSITORY ?=
PUSH_OPTS ?=
export RELEASE_VERSION NODES LB_RETRIES SOAK_DEPLOYS

.PHONY: help setup build image push test test-java test-python test-container demo soak up status deploy scale down bench

help:
	@sed -n 's/^#   //p' Makefile

setup:
	@bin/setup

# One runnable jar: service/target/timekeeper-$(RELEASE_VERSION).jar
build: setup
	$(MVN) -pl service -am package -DskipTests -Drevision=$(RELEASE_VERSION)

# The service's OCI image, by Jib without a Docker daemon (container/pom.xml); about two
# minutes (jdeps, jlink, an AppCDS training run), so not part of `mvn verify`.
image: setup
	$(MVN) -Pimage -pl service,container package -DskipTests -Drevision=$(RELEASE_VERSION)

# Jib builds the same image again (it is reproducible) straight into the registry: the
# commit label is the one `make image` read, so the pushed image id is the built one.
IMAGE_REVISION = $(shell tar -xOf container/target/timekeeper-image.tar config.json | jq -r '.config.Labels["org.opencontainers.image.revision"]')
push:
	@test -n "$(IMAGE_REPOSITORY)" || { echo "usage: make push IMAGE_REPOSITORY=<registry>/<name> [RELEASE_VERSION=x.y.z]" >&2; exit 2; }
	$(MVN) -Pimage -pl container jib:build -Drevision=$(RELEASE_VERSION) -Djib.to.image=$(IMAGE_REPOSITORY):$(RELEASE_VERSION) \
	  -Dgit.commit.id=$(IMAGE_REVISION) $(PUSH_OPTS)

test: setup test-java test-python test-container

# service/ (API, all-zones correctness, drain) and jenkins-lib/ (pipeline tests)
test-java:
	$(MVN) verify

# Ansible (lint, rolling deploy, failure tests on the local fleet), CloudFormation
# (lint, security scan, deploy into the AWS emulator), the Kubernetes manifests (render,
# schema validation, kube-score, drain timings) and observability (promtool checks of the
# scrape configurations, rule unit tests, the dashboard)
test-python:
	$(VENV)/bin/pytest -p no:cacheprovider ansible/tests cloudformation/tests kubernetes/tests observability/tests

# The image under podman: what it holds, serving, `podman stop` under load through the
# ALB-like HAProxy, push to and pull from a local registry (container/tests)
test-container: image
	$(VENV)/bin/pytest -p no:cacheprovider container/tests

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
