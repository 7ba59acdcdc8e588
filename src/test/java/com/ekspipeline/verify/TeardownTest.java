package com.ekspipeline.verify;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.support.DeleteOrder;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
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
 * that controllers made) go while those controllers and their nodes still run. It runs once for each
 * configuration that switches every optional part on: in the app's own VPC and in an existing one. Karpenter's
 * configuration (which refuses off-hours) has its resource types and its order checked on their own.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"everything-on", "own-vpc", "split-stages", "two-accounts"})
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
        TEARDOWN.put("Custom::LeftoverWaiter", "its delete fails the destroy while a volume, volume attachment, load "
                + "balancer or target group of the namespaces is left");
        TEARDOWN.put("AWS::SQS::Queue", "Karpenter's interruption queue: deleted with its messages, which expire in "
                + "five minutes anyway");
        TEARDOWN.put("AWS::SQS::QueuePolicy", "deleted by CloudFormation with its stack, holding no data that outlives it");
        TEARDOWN.put("Custom::KarpenterInstanceWaiter", "its delete fails the destroy while an instance Karpenter "
                + "launched for the cluster still runs, after the NodePools and before the EC2NodeClass");
        TEARDOWN.put("Custom::VpcPreflight", "a check of the existing VPC; its delete removes exactly the subnet tags it "
                + "added (tagSubnets), and nothing of the VPC is the app's to delete");
        TEARDOWN.put("AWS::CodeStarNotifications::NotificationRule", "deleted with its stack; it holds nothing");
    }

    /** Every optional part on, so that every resource type the app can make is checked. */
    private final Map<String, Map<String, Map<String, Object>>> stacks;

    /** Whether Container Insights is on: without it no part of it may exist. */
    private final boolean observability;

    /** Each nodes stack's ID, and the cluster its nodes join: one, or each stage's own. */
    private final Map<String, String> clusterNames = new LinkedHashMap<>();

    /** The namespaces on the first cluster: both stages' on a shared one, staging's alone on its own. */
    private final int namespaces;

    TeardownTest(final String configuration) {
        stacks = Synths.resources(configuration);
        observability = TestContext.named(configuration).load().observability().enabled();
        final AppConfig config = TestContext.named(configuration).load();
        namespaces = config.stages().isEmpty() ? 2 : 1;
        if (config.stages().isEmpty()) {
            clusterNames.put("Nodes", config.cluster().clusterName());
        }
        config.stages().forEach(stage -> clusterNames.put(Character.toUpperCase(stage.stage().charAt(0))
                + stage.stage().substring(1) + "Nodes", stage.cluster().clusterName()));
    }

    /** Without observability: no Container Insights add-on and no log group of it in any stack. */
    private boolean noContainerInsights() {
        if (observability) {
            return false;
        }
        stacks.forEach((stack, resources) -> resources.forEach((id, r) -> {
            assertFalse("AWS::EKS::Addon".equals(r.get("Type"))
                    && "amazon-cloudwatch-observability".equals(Resources.properties(r).get("AddonName")), stack + "/" + id);
            assertFalse(String.valueOf(Resources.properties(r).get("LogGroupName")).startsWith("/aws/containerinsights/"),
                    stack + "/" + id);
        }));
        return true;
    }

    /**
     * The first stack whose ID ends with {@code part}: {@code Nodes} in one cluster, {@code StagingNodes} (staging's,
     * deployed first) with stages on clusters of their own.
     */
    private Map<String, Map<String, Object>> stack(final String part) {
        return stacks.entrySet().stream().filter(e -> e.getKey().endsWith(part)).findFirst().orElseThrow().getValue();
    }

    private List<String> problems(final BiFunction<String, Map<String, Object>, String> check) {
        final List<String> problems = new ArrayList<>();
        stacks.forEach((stack, resources) -> resources.forEach((id, resource) -> {
            final String problem = check.apply(id, resource);
            if (problem != null) {
                problems.add(stack + "/" + id + ": " + problem);
            }
        }));
        return problems;
    }

    private Map<String, Map<String, Object>> ofType(final String type) {
        final Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        stacks.forEach((stack, resources) -> resources.forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                found.put(stack + "/" + id, resource);
            }
        }));
        return found;
    }

    @Test
    void everyResourceTypeHasAKnownTeardown() {
        final Set<String> unknown = new TreeSet<>();
        stacks.values().forEach(resources -> resources.values().forEach(r -> {
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
        if (noContainerInsights()) {
            return;
        }
        clusterNames.forEach((nodes, clusterName) -> {
            final Map<String, Map<String, Object>> cluster = stacks.get(nodes);
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
                    .map(kind -> "/aws/containerinsights/" + clusterName + "/" + kind).toList(), List.copyOf(groups.keySet()));
            final Map<String, Object> addon = cluster.values().stream().filter(r -> "AWS::EKS::Addon".equals(r.get("Type"))
                    && "amazon-cloudwatch-observability".equals(Resources.properties(r).get("AddonName"))).findFirst()
                    .orElseThrow();
            assertTrue(Resources.dependsOn(addon).containsAll(groups.values()), Resources.dependsOn(addon).toString());
        });
    }

    /**
     * The add-on's pods may still flush logs after EKS reports it deleted: the add-on goes before its groups,
     * and the role its agent and Fluent Bit share may not create a group, a deny deleted after the groups.
     */
    @Test
    void noContainerInsightsPodCanCreateItsLogGroupAgainAfterTheDestroyDeletedIt() {
        if (noContainerInsights()) {
            return;
        }
        clusterNames.keySet().forEach(this::noAgentCanCreateItsLogGroupAgain);
    }

    private void noAgentCanCreateItsLogGroupAgain(final String nodes) {
        final String[] found = new String[3];
        stacks.get(nodes).forEach((id, r) -> {
            if ("AWS::EKS::PodIdentityAssociation".equals(r.get("Type"))
                    && "cloudwatch-agent".equals(Resources.properties(r).get("ServiceAccount"))) {
                found[0] = nodes;
                found[1] = String.valueOf(((List<?>) ((Map<?, ?>) Resources.properties(r).get("RoleArn")).get("Fn::GetAtt")).get(0));
            } else if ("AWS::EKS::Addon".equals(r.get("Type"))
                    && "amazon-cloudwatch-observability".equals(Resources.properties(r).get("AddonName"))) {
                found[2] = id;
            }
        });
        assertTrue(found[0] != null && found[2] != null, nodes + " has no agent identity or no add-on");
        final Map<String, Map<String, Object>> resources = stacks.get(found[0]);
        final DeleteOrder order = new DeleteOrder(resources);
        final String deny = denyOfRole(resources, found[1]);
        assertTrue(deny != null, "the agent's role " + found[1] + " is not denied logs:CreateLogGroup");
        final List<String> groups = resources.entrySet().stream().filter(e -> "AWS::Logs::LogGroup".equals(e.getValue()
                        .get("Type")) && String.valueOf(Resources.properties(e.getValue()).get("LogGroupName"))
                        .startsWith("/aws/containerinsights/")).map(Map.Entry::getKey).toList();
        assertEquals(4, groups.size(), groups::toString);
        for (String group : groups) {
            assertTrue(order.deletesBefore(found[2], group), "the add-on must be deleted before " + group);
            assertTrue(order.deletesBefore(group, deny), group + " must be deleted before the deny " + deny);
        }
    }

    /** A function without a group in the template logs to one Lambda creates, which no stack deletes. */
    @Test
    void everyFunctionLogsToAGroupItsStackDeletes() {
        stacks.forEach((stack, resources) -> resources.forEach((id, r) -> {
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
            assertEquals("AWS::Logs::LogGroup", stacks.get(path.substring(0, path.indexOf('/'))).get((String) group)
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
        final Map<String, Map<String, Object>> cluster = stack("Nodes");
        final List<String> namespaces = cluster.entrySet().stream()
                .filter(e -> "Custom::AWSCDK-EKS-KubernetesResource".equals(e.getValue().get("Type"))
                        && String.valueOf(Resources.properties(e.getValue()).get("Manifest")).contains("\"kind\":\"Namespace\""))
                .map(Map.Entry::getKey).toList();
        assertEquals(this.namespaces, namespaces.size(), "both stages' on a shared cluster, a stage's own on its own");
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

    /**
     * A custom resource's Delete runs its functions, which log; CloudFormation must delete the groups they
     * log to only after it, and a late log delivery must not be able to create a group again (the roles are
     * denied logs:CreateLogGroup, and the deny goes after the group). The provider framework's functions name
     * the functions they invoke (the handler, the waiter's state machine and its functions) in their
     * environment, so those serve the custom resource too.
     */
    @Test
    void everyCustomResourceIsDeletedBeforeTheLogGroupsOfTheFunctionsServingIt() {
        final List<String> problems = new ArrayList<>();
        final Set<String> served = new TreeSet<>();
        stacks.forEach((stack, resources) -> {
            final DeleteOrder order = new DeleteOrder(resources);
            resources.forEach((id, r) -> {
                final String type = (String) r.get("Type");
                if (!type.startsWith("Custom::") && !"AWS::CloudFormation::CustomResource".equals(type)) {
                    return;
                }
                final Object token = Resources.properties(r).get("ServiceToken");
                if (!(token instanceof Map<?, ?> ref && ref.get("Fn::GetAtt") instanceof List<?> att)) {
                    if (!(token instanceof Map<?, ?> imported && (imported.containsKey("Fn::ImportValue")
                            || imported.containsKey("Fn::GetStackOutput")))) {
                        problems.add(stack + "/" + id + ": service token " + token + " is neither a function here nor "
                                + "another stack's output");
                    }
                    return;
                }
                for (String function : servingFunctions(resources, order, String.valueOf(att.get(0)))) {
                    served.add(stack + "/" + function);
                    final String group = logGroupOf(resources, function);
                    final String deny = denyOf(resources, function);
                    if (group == null) {
                        problems.add(stack + "/" + function + " logs to no group of its stack");
                    } else if (!order.deletesBefore(id, group)) {
                        problems.add(stack + "/" + id + " may be deleted after " + group + ", the log group of " + function);
                    }
                    if (deny == null) {
                        problems.add(stack + "/" + function + "'s role is not denied logs:CreateLogGroup");
                    } else if (group != null && !order.deletesBefore(group, deny)) {
                        problems.add(stack + "/" + deny + " may be deleted before " + group + ", which it protects");
                    }
                }
            });
        });
        // The kubectl provider's custom resources are in the Nodes stack, whose service token is the Cluster
        // stack's output: CloudFormation deletes the whole Nodes stack before the Cluster stack it depends on,
        // so the provider's log groups outlive them by stack order; they must still exist and be protected.
        final Map<String, Map<String, Object>> cluster = stack("Cluster");
        for (final String prefix : List.of("ClusterKubectlProviderHandler", "ClusterKubectlProviderframeworkonEvent")) {
            final String function = cluster.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix) && "AWS::Lambda::Function".equals(e.getValue().get("Type")))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            if (logGroupOf(cluster, function) == null) {
                problems.add("Cluster/" + function + " logs to no group of its stack");
            }
            if (denyOf(cluster, function) == null) {
                problems.add("Cluster/" + function + "'s role is not denied logs:CreateLogGroup");
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(Synths.defaults().nodes().getDependencies().contains(Synths.defaults().cluster()),
                "the Nodes stack is deleted before the Cluster stack");
        assertTrue(served.stream().anyMatch(f -> f.matches("[A-Za-z]*Nodes/LeftoverWaiterFunction.*")), served::toString);
    }

    /** The function a service token names and every function or state machine a serving function invokes. */
    private static Set<String> servingFunctions(final Map<String, Map<String, Object>> resources, final DeleteOrder order,
                                                final String first) {
        final Set<String> serving = new java.util.LinkedHashSet<>();
        final Deque<String> todo = new ArrayDeque<>(List.of(first));
        while (!todo.isEmpty()) {
            final String id = todo.pop();
            final String type = (String) resources.get(id).get("Type");
            if (!serving.add(id)) {
                continue;
            }
            final Object named = "AWS::Lambda::Function".equals(type)
                    ? ((Map<?, ?>) Resources.properties(resources.get(id)).getOrDefault("Environment", Map.of())).get("Variables")
                    : null;
            final Set<String> invoked = "AWS::StepFunctions::StateMachine".equals(type) ? order.direct(id)
                    : named == null ? Set.of() : referencedIn(resources, named);
            invoked.stream().filter(n -> List.of("AWS::Lambda::Function", "AWS::StepFunctions::StateMachine")
                    .contains(resources.get(n).get("Type"))).forEach(todo::push);
        }
        serving.removeIf(id -> !"AWS::Lambda::Function".equals(resources.get(id).get("Type")));
        return serving;
    }

    private static Set<String> referencedIn(final Map<String, Map<String, Object>> resources, final Object value) {
        final Map<String, Map<String, Object>> probe = new LinkedHashMap<>(resources);
        probe.put(" probe", Map.of("Properties", Map.of("Value", value)));
        return new DeleteOrder(probe).direct(" probe");
    }

    /** The group CDK manages beside a function (named after it) or the one its logging config names. */
    private static String logGroupOf(final Map<String, Map<String, Object>> resources, final String function) {
        final Object configured = ((Map<?, ?>) Resources.properties(resources.get(function))
                .getOrDefault("LoggingConfig", Map.of())).get("LogGroup");
        if (configured instanceof Map<?, ?> ref && resources.containsKey(String.valueOf(ref.get("Ref")))) {
            return String.valueOf(ref.get("Ref"));
        }
        final String name = "{Fn::Join=[, [/aws/lambda/, {Ref=" + function + "}]]}";
        return resources.entrySet().stream().filter(e -> "AWS::Logs::LogGroup".equals(e.getValue().get("Type"))
                        && name.equals(String.valueOf(Resources.properties(e.getValue()).get("LogGroupName"))))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The policy attached to a function's role that denies it logs:CreateLogGroup on every group. */
    private static String denyOf(final Map<String, Map<String, Object>> resources, final String function) {
        final Object role = Resources.properties(resources.get(function)).get("Role");
        return role instanceof Map<?, ?> att && att.get("Fn::GetAtt") instanceof List<?> parts
                ? denyOfRole(resources, String.valueOf(parts.get(0))) : null;
    }

    @SuppressWarnings("unchecked")
    private static String denyOfRole(final Map<String, Map<String, Object>> resources, final String role) {
        final Map<String, String> attached = Map.of("Ref", role);
        return resources.entrySet().stream().filter(e -> "AWS::IAM::Policy".equals(e.getValue().get("Type"))
                && ((List<?>) Resources.properties(e.getValue()).get("Roles")).contains(attached)
                && ((List<Map<String, Object>>) ((Map<?, ?>) Resources.properties(e.getValue()).get("PolicyDocument"))
                .get("Statement")).stream().anyMatch(st -> "Deny".equals(st.get("Effect"))
                        && Resources.strings(st.get("Action")).contains("logs:CreateLogGroup")
                        && Resources.strings(st.get("Resource")).equals(List.of("*"))))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /**
     * The leftover waiter sits between the namespaces and what released their contents: its delete runs once
     * the namespaces are gone and while the controllers, the CSI driver and the nodes still run.
     */
    @Test
    void theLeftoverWaiterIsDeletedAfterTheNamespacesAndBeforeWhatTheyNeed() {
        final Map.Entry<String, Map<String, Map<String, Object>>> stack = stacks.entrySet().stream()
                .filter(e -> e.getValue().values().stream().anyMatch(r -> "Custom::LeftoverWaiter".equals(r.get("Type"))))
                .findFirst().orElseThrow(() -> new AssertionError("no Custom::LeftoverWaiter in any stack"));
        final Map<String, Map<String, Object>> resources = stack.getValue();
        final DeleteOrder order = new DeleteOrder(resources);
        final List<String> waiters = resources.entrySet().stream()
                .filter(e -> "Custom::LeftoverWaiter".equals(e.getValue().get("Type"))).map(Map.Entry::getKey).toList();
        assertEquals(1, waiters.size(), waiters::toString);
        final String waiter = waiters.get(0);
        final List<String> namespaces = resources.entrySet().stream()
                .filter(e -> String.valueOf(Resources.properties(e.getValue()).get("Manifest")).contains("\"kind\":\"Namespace\""))
                .map(Map.Entry::getKey).toList();
        assertEquals(this.namespaces, namespaces.size(), "both stages' on a shared cluster, a stage's own on its own");
        namespaces.forEach(namespace -> assertTrue(order.deletesBefore(namespace, waiter), namespace + " before " + waiter));
        final List<String> needed = resources.entrySet().stream()
                .filter(e -> List.of("AWS::EKS::Nodegroup", "AWS::EKS::Addon", "Custom::AWSCDK-EKS-HelmChart")
                        .contains(e.getValue().get("Type"))
                        || String.valueOf(Resources.properties(e.getValue()).get("Manifest")).contains("\"kind\":\"StorageClass\""))
                .map(Map.Entry::getKey).toList();
        assertTrue(needed.size() >= 8, needed::toString);
        needed.forEach(part -> assertTrue(order.deletesBefore(waiter, part), waiter + " must be deleted before " + part));
        // What restores parked nodes goes before the namespaces, so the waiter finds the nodes running too.
        resources.forEach((id, r) -> {
            if ("Custom::RestoreNodesBeforeDelete".equals(r.get("Type"))) {
                assertTrue(order.deletesBefore(id, waiter), id + " before " + waiter);
            }
        });
    }

    /** With Karpenter, every resource type has a known teardown too. */
    @Test
    void everyResourceTypeOfKarpenterHasAKnownTeardown() {
        final Set<String> unknown = new TreeSet<>();
        Synths.resources("karpenter").values().forEach(resources -> resources.values().forEach(r -> {
            if (!TEARDOWN.containsKey((String) r.get("Type"))) {
                unknown.add((String) r.get("Type"));
            }
        }));
        assertEquals(Set.of(), unknown, "resource types of the karpenter configuration whose teardown nobody has checked");
    }

    /**
     * With Karpenter, a destroy leaves no instance: the namespaces, then the NodePools (Karpenter drains and
     * terminates their nodes), then the instance waiter (fails the destroy if one still runs), then the
     * EC2NodeClass (its finalizer deletes the instance profile), then the controller, then its CRDs; the node
     * role and its access entry, the controller's Pod Identity association and the system group after those.
     */
    @Test
    void karpentersPartsAreDeletedNamespacesNodePoolsWaiterNodeClassControllerRoles() {
        final Map<String, Map<String, Object>> resources = Synths.resources("karpenter").get("Nodes");
        final DeleteOrder order = new DeleteOrder(resources);
        final String waiter = only(resources, "Custom::KarpenterInstanceWaiter", "");
        final String nodePools = only(resources, "Custom::AWSCDK-EKS-KubernetesResource", "\\\"kind\\\":\\\"NodePool\\\",\\\"metadata\\\"");
        final String nodeClass = only(resources, "Custom::AWSCDK-EKS-KubernetesResource", "\\\"kind\\\":\\\"EC2NodeClass\\\",\\\"metadata\\\"");
        final String controller = only(resources, "Custom::AWSCDK-EKS-KubernetesResource", "\\\"kind\\\":\\\"Deployment\\\"");
        final String crds = only(resources, "Custom::AWSCDK-EKS-KubernetesResource", "nodepools.karpenter.sh");
        final List<String> namespaces = resources.entrySet().stream()
                .filter(e -> String.valueOf(Resources.properties(e.getValue()).get("Manifest")).contains("\"kind\":\"Namespace\""))
                .map(Map.Entry::getKey).toList();
        assertEquals(2, namespaces.size(), "staging and production");
        for (final String namespace : namespaces) {
            assertEquals(Optional.empty(), order.firstBreak(List.of(namespace, nodePools, waiter, nodeClass, controller, crds)));
        }
        for (final String after : List.of(only(resources, "AWS::EKS::AccessEntry", "EC2_LINUX"),
                only(resources, "AWS::EKS::Nodegroup", ""), only(resources, "AWS::EKS::PodIdentityAssociation", "karpenter"))) {
            assertEquals(Optional.empty(), order.firstBreak(List.of(nodeClass, after)));
        }
        assertEquals(Optional.empty(), order.firstBreak(List.of(controller, only(resources, "AWS::SQS::Queue", ""))));
    }

    /** The one resource of {@code type} whose JSON contains {@code marker}. */
    private static String only(final Map<String, Map<String, Object>> resources, final String type, final String marker) {
        final List<String> found = resources.entrySet().stream().filter(e -> type.equals(e.getValue().get("Type"))
                && String.valueOf(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(e.getValue())).contains(marker))
                .map(Map.Entry::getKey).toList();
        assertEquals(1, found.size(), () -> type + " with " + marker + ": " + found);
        return found.get(0);
    }

    /**
     * Lambda deletes a function's Hyperplane interfaces some time after the function, and only when no other
     * function shares the subnet and security group; CloudFormation waits for them when it deletes the
     * function. So each function in the VPC has a group of its stack, deleted after it, and the rule that lets
     * it reach the cluster's endpoint outlives it too.
     */
    @Test
    void everyFunctionInTheVpcHasASecurityGroupOfItsStackDeletedAfterIt() {
        final List<String> problems = new ArrayList<>();
        final Set<String> checked = new TreeSet<>();
        stacks.forEach((stack, resources) -> {
            final DeleteOrder order = new DeleteOrder(resources);
            resources.forEach((id, r) -> {
                final Object vpc = Resources.properties(r).get("VpcConfig");
                if (!"AWS::Lambda::Function".equals(r.get("Type")) || vpc == null) {
                    return;
                }
                checked.add(stack + "/" + id);
                for (Object group : (List<?>) ((Map<?, ?>) vpc).get("SecurityGroupIds")) {
                    final Object att = group instanceof Map<?, ?> ref ? ref.get("Fn::GetAtt") : null;
                    final String sg = att instanceof List<?> parts ? String.valueOf(parts.get(0)) : null;
                    if (sg == null || !"AWS::EC2::SecurityGroup".equals(resources.get(sg).get("Type"))) {
                        problems.add(stack + "/" + id + " uses " + group + ", not a security group of its stack");
                        continue;
                    }
                    resources.forEach((ruleId, rule) -> {
                        if ("AWS::EC2::SecurityGroupIngress".equals(rule.get("Type"))
                                && group.equals(Resources.properties(rule).get("SourceSecurityGroupId"))
                                && !order.deletesBefore(id, ruleId)) {
                            problems.add(stack + "/" + ruleId + " may be deleted before " + id + ", which it lets in");
                        }
                    });
                    resources.forEach((user, other) -> {
                        if (!"AWS::Lambda::Function".equals(other.get("Type")) && !user.equals(sg)
                                && !"AWS::EC2::SecurityGroupIngress".equals(other.get("Type"))
                                && order.direct(user).contains(sg)) {
                            problems.add(stack + "/" + sg + " of " + id + " is also used by " + user);
                        }
                    });
                }
            });
        });
        assertEquals(List.of(), problems);
        assertTrue(checked.size() >= 4, "the kubectl handler and onEvent, off-hours and the leftover waiter: " + checked);
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
