package com.ekspipeline.core;

import com.ekspipeline.config.AppConfig;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

import java.util.List;

/**
 * A stack in the configured region (and account, when known) whose availability zones come from config.
 *
 * <p>Without the override, a stack with a known account and region asks the CLI to look its zones up,
 * and offline synth falls back to dummy zones; an account-agnostic stack gets unresolved tokens. Fixed
 * zones make every synth complete and identical.
 */
public class AppStack extends Stack {

    private final List<String> zones;

    protected AppStack(final Construct scope, final String id, final AppConfig config, final String part,
                       final String description) {
        super(scope, id, StackProps.builder()
                .stackName(config.stackName(part))
                .description(description)
                .env(Environment.builder()
                        .region(config.region())
                        .account(config.account().orElse(null))
                        .build())
                .build());
        this.zones = config.availabilityZones();
    }

    @Override
    public List<String> getAvailabilityZones() {
        return zones;
    }
}
