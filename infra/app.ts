#!/usr/bin/env node
import { buildApp } from './build-app';

// Explicit synth so a cdk-nag finding fails `cdk synth` with the report.
buildApp().app.synth();
