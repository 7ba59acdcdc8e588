package com.ekspipeline;

import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code project.json} says where each stack goes, so the scripts that destroy, verify and check an app
 * across accounts never work it out again; the default's file keeps the keys the scripts always read.
 */
class ProjectFileTest {

    private static Map<String, Object> project(final String configuration) {
        final String json = ProjectFile.json(TestContext.named(configuration).load(), Synths.named(configuration),
                Map.of());
        try {
            return new ObjectMapper().readValue(json, new TypeReference<>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(final Map<String, Object> project, final String key) {
        return (List<Map<String, Object>>) project.get(key);
    }

    @Test
    void theDefaultNamesItsStacksAsItAlwaysDidAndNoTargets() {
        final Map<String, Object> project = project("default");
        assertEquals(Set.of("appName", "region", "clusterName", "kubernetesVersion", "tag", "stacks", "pipeline",
                "logGroupPrefixes", "context"), project.keySet());
        assertEquals(List.of(Map.of("id", "Network", "name", "eks-pipeline-network"),
                        Map.of("id", "Cluster", "name", "eks-pipeline-cluster"),
                        Map.of("id", "Nodes", "name", "eks-pipeline-nodes"),
                        Map.of("id", "Pipeline", "name", "eks-pipeline-pipeline")),
                list(project, "stacks"));
    }

    @Test
    void withTwoAccountsEachStackSaysItsAccountAndRegion() {
        final List<Map<String, Object>> stacks = list(project("two-accounts"), "stacks");
        assertEquals(Map.of("id", "StagingNodes", "name", "eks-pipeline-staging-nodes", "account", "111111111111",
                "region", "us-east-2"), stacks.get(2));
        assertEquals(Map.of("id", "ProductionDeployAccess", "name", "eks-pipeline-production-deploy-access",
                "account", "222222222222", "region", "us-west-2"), stacks.get(7));
        assertEquals(Map.of("id", "Pipeline", "name", "eks-pipeline-pipeline", "account", "111111111111",
                "region", "us-east-2"), stacks.get(8));
    }

    @Test
    void eachTargetNamesItsClusterStacksAndLogGroups() {
        final List<Map<String, Object>> targets = list(project("two-accounts"), "targets");
        assertEquals(List.of("staging", "production"), targets.stream().map(t -> t.get("stage")).toList());
        final Map<String, Object> production = targets.get(1);
        assertEquals("222222222222", production.get("account"));
        assertEquals("us-west-2", production.get("region"));
        assertEquals("eks-pipeline-production", production.get("clusterName"));
        assertEquals("1.35", production.get("kubernetesVersion"));
        assertEquals(List.of("us-west-2a", "us-west-2b", "us-west-2c"), production.get("availabilityZones"));
        assertEquals(List.of("ProductionNetwork", "ProductionCluster", "ProductionNodes", "ProductionDeployAccess"),
                list(production, "stacks").stream().map(s -> s.get("id")).toList());
        assertEquals(List.of("/aws/eks/eks-pipeline-production/", "/aws/containerinsights/eks-pipeline-production/",
                "/aws/lambda/eks-pipeline-production-"), production.get("logGroupPrefixes"));
        assertEquals("111111111111", targets.get(0).get("account"), "staging is in the delivery account");
    }

    @Test
    void inOneAccountOfUnknownIdTheStacksNameOnlyTheirRegion() {
        final Map<String, Object> project = project("split-stages");
        assertFalse(list(project, "stacks").stream().anyMatch(s -> s.containsKey("account")));
        assertEquals(Set.of("us-east-2"), Set.copyOf(list(project, "stacks").stream().map(s -> s.get("region")).toList()));
        assertFalse(list(project, "targets").stream().anyMatch(t -> t.containsKey("account")));
    }
}
