package com.ekspipeline.catalog;

import com.ekspipeline.config.NodeGroupConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The instance-type table, as scripts/refresh-catalog writes it from EC2's own description. */
class InstanceTypesTest {

    /** The node groups pick the arm64 AMI from the type's name; EC2's architecture must agree for every type. */
    @Test
    void theNamingRuleForGravitonAgreesWithEc2sArchitecture() {
        final Map<String, String> table = new TreeMap<>();
        final Map<String, String> byName = new TreeMap<>();
        InstanceTypes.all().forEach((type, spec) -> {
            table.put(type, spec.architecture());
            byName.put(type, NodeGroupConfig.isArm(type) ? "arm64" : "x86_64");
        });
        assertEquals(table, byName);
    }
}
