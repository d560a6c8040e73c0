# The commands a person runs. Each installs what it needs first (bin/setup).
#   make demo      the local fleet demo: up, load, rolling deploy, report, down
#   make test      every test of the repository (what CI runs)
#   make up | status | deploy VERSION=x.y.z | scale NODES=n | down   the local fleet by hand
#   make bench     throughput and latency against the Go reference server
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV     := .venv
MVN      := mvn -B -q -ntp
# The release version built by `make build` / `make deploy`.
VERSION  ?= 1.0.0-SNAPSHOT
# Local fleet size for `make up` / `make demo` / `make scale`.
NODES    ?= 3
export VERSION NODES

.PHONY: help setup build test test-java test-python demo up status deploy scale down bench

help:
	@sed -n 's/^#   //p' Makefile

setup:
	@bin/setup

# One runnable jar: service/target/timekeeper-$(VERSION).jar
build: setup
	$(MVN) -pl service -am package -DskipTests -Drevision=$(VERSION)

test: setup test-java test-python

# service/ (API, all-zones correctness, drain) and jenkins-lib/ (pipeline tests)
test-java:
	$(MVN) verify

# Ansible (lint, rolling deploy, failure tests on the local fleet) and CloudFormation
# (lint, security scan, deploy into the AWS emulator)
test-python:
	$(VENV)/bin/pytest -p no:cacheprovider ansible/tests cloudformation/tests

demo: setup
	fleet/demo

up: setup
	fleet/up

status:
	@fleet/status

deploy: setup
	fleet/deploy

scale: setup
	fleet/scale

down:
	fleet/down

bench: setup
	bench/run
