package com.ekspipeline.verify;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proof, over every stack of the app with every optional part switched on, that {@code cdk destroy}
 * deletes everything it created and leaves nothing that keeps billing: no resource is retained or
 * snapshotted, buckets and repositories are emptied first, every log group expires and goes with its
 * stack, keys are scheduled for deletion, and the namespaces (holding the load balancers and volumes
 * that controllers made) go while those controllers and their nodes still run.
 */
class TeardownTest {

    /**
     * Every resource type the app creates, with how {@code cdk destroy} removes it. A new type fails
     * {@link #everyResourceTypeHasAKnownTeardown} until someone writes down how it goes away.
     */
    private static final Map<String, String> TEARDOWN = new LinkedHashMap<>();

    static {
        for (String plain : List.of("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable",
                "AWS::EC2::SubnetRouteTableAssociation", "AWS::EC2::Route", "AWS::EC2::EIP", "AWS::EC2::NatGateway",
                "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::VPCEndpoint",
                "AWS::EC2::FlowLog", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress",
                "AWS::EC2::LaunchTemplate", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::OIDCProvider",
                "AWS::Lambda::Function", "AWS::Lambda::LayerVersion", "AWS::Lambda::Permission", "AWS::SSM::Parameter",
                "AWS::EKS::Cluster", "AWS::EKS::Nodegroup", "AWS::EKS::Addon", "AWS::EKS::AccessEntry",
                "AWS::EKS::PodIdentityAssociation", "AWS::S3::BucketPolicy", "AWS::CodeBuild::Project",
                "AWS::CodePipeline::Pipeline", "AWS::Events::Rule", "AWS::SNS::Topic", "AWS::SNS::TopicPolicy",
                "AWS::SNS::Subscription", "AWS::Budgets::Budget", "AWS::Scheduler::Schedule",
                "AWS::Scheduler::ScheduleGroup", "AWS::CDK::Metadata", "Custom::AWSCDKCfnJson",
                "Custom::VpcRestrictDefaultSG", "Custom::S3BucketNotifications", "Custom::CDKBucketDeployment",
                "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard")) {
            TEARDOWN.put(plain, "deleted by CloudFormation with its stack, holding no data that outlives it");
        }
        TEARDOWN.put("AWS::S3::Bucket", "emptied by its Custom::S3AutoDeleteObjects, then deleted");
        TEARDOWN.put("Custom::S3AutoDeleteObjects", "empties its bucket on delete");
        TEARDOWN.put("AWS::ECR::Repository", "deleted with its images (EmptyOnDelete)");
        TEARDOWN.put("AWS::Logs::LogGroup", "deleted with its logs, which expire meanwhile (RetentionInDays)");
        TEARDOWN.put("AWS::KMS::Key", "scheduled for deletion after PendingWindowInDays");
        TEARDOWN.put("AWS::CodeBuild::ReportGroup", "deleted with its reports (DeleteReports)");
        TEARDOWN.put("Custom::AWSCDK-EKS-HelmChart", "uninstalled by the kubectl handler while nodes still run");
        TEARDOWN.put("Custom::AWSCDK-EKS-KubernetesResource", "deleted by the kubectl handler; namespaces first");
        TEARDOWN.put("Custom::RestoreNodesBeforeDelete", "its delete starts parked nodes, before the namespaces go");
        TEARDOWN.put("Custom::AddonVersions", "a lookup; its delete does nothing");
        TEARDOWN.put("AWS::CodeStarNotifications::NotificationRule", "deleted with its stack; it holds nothing");
    }

    /** Every optional part on, so that every resource type the app can make is checked. */
    private static final Map<String, Map<String, Map<String, Object>>> STACKS = Synths.everythingOn();

    private static List<String> problems(final BiFunction<String, Map<String, Object>, String> check) {
        final List<String> problems = new ArrayList<>();
        STACKS.forEach((stack, resources) -> resources.forEach((id, resource) -> {
            final String problem = check.apply(id, resource);
            if (problem != null) {
                problems.add(stack + "/" + id + ": " + problem);
            }
        }));
        return problems;
    }

    private static Map<String, Map<String, Object>> ofType(final String type) {
        final Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        STACKS.forEach((stack, resources) -> resources.forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                found.put(stack + "/" + id, resource);
            }
        }));
        return found;
    }

    @Test
    void everyResourceTypeHasAKnownTeardown() {
        final Set<String> unknown = new TreeSet<>();
        STACKS.values().forEach(resources -> resources.values().forEach(r -> {
            if (!TEARDOWN.containsKey((String) r.get("Type"))) {
                unknown.add((String) r.get("Type"));
            }
        }));
        assertEquals(Set.of(), unknown, "resource types whose teardown nobody has checked; add each to TEARDOWN "
                + "with how cdk destroy removes it, after making sure it does");
    }

    @Test
    void nothingIsRetainedOrSnapshotted() {
        assertEquals(List.of(), problems((id, r) -> {
            for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
                final Object value = r.get(policy);
                if (value != null && !"Delete".equals(value)) {
                    return policy + " " + value;
                }
            }
            return null;
        }));
    }

    @Test
    void everyBucketIsEmptiedBeforeItIsDeleted() {
        final Set<String> emptied = new HashSet<>();
        ofType("Custom::S3AutoDeleteObjects").forEach((path, r) -> emptied.add(path.substring(0, path.indexOf('/') + 1)
                + ((Map<?, ?>) Resources.properties(r).get("BucketName")).get("Ref")));
        final Set<String> buckets = ofType("AWS::S3::Bucket").keySet();
        assertFalse(buckets.isEmpty());
        assertEquals(new TreeSet<>(buckets), new TreeSet<>(emptied));
    }

    @Test
    void everyRepositoryIsDeletedWithItsImages() {
        final Map<String, Map<String, Object>> repositories = ofType("AWS::ECR::Repository");
        assertFalse(repositories.isEmpty());
        repositories.forEach((path, r) -> assertEquals(Boolean.TRUE, Resources.properties(r).get("EmptyOnDelete"), path));
    }

    @Test
    void everyLogGroupExpiresItsLogs() {
        final Map<String, Map<String, Object>> groups = ofType("AWS::Logs::LogGroup");
        assertFalse(groups.isEmpty());
        groups.forEach((path, r) -> assertEquals(30, Resources.properties(r).get("RetentionInDays"), path));
    }

    /**
     * The agent and Fluent Bit create the Container Insights groups they write to when none exists, outside
     * any stack and without retention; the stack creates all four first and the add-on waits for them.
     */
    @Test
    void theContainerInsightsLogGroupsAreTheStacksAndTheAddonWaitsForThem() {
        final Map<String, Map<String, Object>> cluster = STACKS.get("Nodes");
        final Map<String, String> groups = new java.util.TreeMap<>();
        cluster.forEach((id, r) -> {
            final Object name = Resources.properties(r).get("LogGroupName");
            if ("AWS::Logs::LogGroup".equals(r.get("Type")) && name instanceof String n
                    && n.startsWith("/aws/containerinsights/")) {
                groups.put(n, id);
                assertEquals("Delete", r.get("DeletionPolicy"), n);
                assertEquals(30, Resources.properties(r).get("RetentionInDays"), n);
            }
        });
        assertEquals(List.of("application", "dataplane", "host", "performance").stream()
                .map(kind -> "/aws/containerinsights/eks-pipeline/" + kind).toList(), List.copyOf(groups.keySet()));
        final Map<String, Object> addon = cluster.values().stream().filter(r -> "AWS::EKS::Addon".equals(r.get("Type"))
                && "amazon-cloudwatch-observability".equals(Resources.properties(r).get("AddonName"))).findFirst()
                .orElseThrow();
        assertTrue(Resources.dependsOn(addon).containsAll(groups.values()), Resources.dependsOn(addon).toString());
    }

    /** A function without a group in the template logs to one Lambda creates, which no stack deletes. */
    @Test
    void everyFunctionLogsToAGroupItsStackDeletes() {
        STACKS.forEach((stack, resources) -> resources.forEach((id, r) -> {
            if (!"AWS::Lambda::Function".equals(r.get("Type"))) {
                return;
            }
            final Object configured = ((Map<?, ?>) Resources.properties(r).getOrDefault("LoggingConfig", Map.of()))
                    .get("LogGroup");
            final boolean ownGroup = configured instanceof Map<?, ?> ref
                    && "AWS::Logs::LogGroup".equals(resources.get((String) ref.get("Ref")).get("Type"));
            final boolean cdkManagedGroup = resources.values().stream().anyMatch(g -> "AWS::Logs::LogGroup".equals(
                    g.get("Type")) && String.valueOf(Resources.properties(g).get("LogGroupName"))
                    .equals("{Fn::Join=[, [/aws/lambda/, {Ref=" + id + "}]]}"));
            assertTrue(ownGroup || cdkManagedGroup, stack + "/" + id + " logs to a group outside its stack");
        }));
    }

    @Test
    void everyBuildProjectLogsToAGroupItsStackDeletes() {
        final Map<String, Map<String, Object>> projects = ofType("AWS::CodeBuild::Project");
        assertFalse(projects.isEmpty());
        projects.forEach((path, r) -> {
            final Map<?, ?> logs = (Map<?, ?>) ((Map<?, ?>) Resources.properties(r).get("LogsConfig")).get("CloudWatchLogs");
            final Object group = ((Map<?, ?>) logs.get("GroupName")).get("Ref");
            assertEquals("AWS::Logs::LogGroup", STACKS.get(path.substring(0, path.indexOf('/'))).get((String) group)
                    .get("Type"), path);
        });
    }

    @Test
    void everyKeyIsScheduledForDeletion() {
        final Map<String, Map<String, Object>> keys = ofType("AWS::KMS::Key");
        assertFalse(keys.isEmpty());
        keys.forEach((path, r) -> assertEquals(7, Resources.properties(r).get("PendingWindowInDays"), path));
    }

    @Test
    void reportGroupsDeleteTheirReports() {
        ofType("AWS::CodeBuild::ReportGroup").forEach((path, r) ->
                assertEquals(Boolean.TRUE, Resources.properties(r).get("DeleteReports"), path));
    }

    /**
     * CloudFormation deletes in reverse dependency order, so a namespace that depends on a node group or
     * a controller is deleted while it still runs: the load balancer controller deletes the NLBs of the
     * namespace's Services and the EBS CSI driver the volumes of its claims.
     */
    @Test
    void namespacesAreDeletedBeforeNodeGroupsAddonsAndControllers() {
        final Map<String, Map<String, Object>> cluster = STACKS.get("Nodes");
        final List<String> namespaces = cluster.entrySet().stream()
                .filter(e -> "Custom::AWSCDK-EKS-KubernetesResource".equals(e.getValue().get("Type"))
                        && String.valueOf(Resources.properties(e.getValue()).get("Manifest")).contains("\"kind\":\"Namespace\""))
                .map(Map.Entry::getKey).toList();
        assertEquals(2, namespaces.size(), "staging and production");
        final List<String> mustOutlive = cluster.entrySet().stream()
                .filter(e -> List.of("AWS::EKS::Nodegroup", "AWS::EKS::Addon", "Custom::AWSCDK-EKS-HelmChart")
                        .contains(e.getValue().get("Type"))
                        || String.valueOf(Resources.properties(e.getValue()).get("Manifest")).contains("\"kind\":\"StorageClass\""))
                .map(Map.Entry::getKey).toList();
        assertTrue(mustOutlive.size() >= 8, mustOutlive::toString);
        for (String namespace : namespaces) {
            final Set<String> reached = dependencies(cluster, namespace);
            mustOutlive.forEach(other -> assertTrue(reached.contains(other), namespace + " must depend on " + other));
        }
    }

    private static Set<String> dependencies(final Map<String, Map<String, Object>> resources, final String start) {
        final Set<String> seen = new HashSet<>();
        final Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            for (String next : Resources.dependsOn(resources.get(todo.pop()))) {
                if (seen.add(next)) {
                    todo.push(next);
                }
            }
        }
        return seen;
    }
}
