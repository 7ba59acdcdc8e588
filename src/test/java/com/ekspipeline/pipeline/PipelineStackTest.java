package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Snapshots;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineStackTest {

    private static Template template;

    @BeforeAll
    static void synth() {
        template = Synthesized.template(Synths.defaults().pipeline());
    }

    private static Map<String, Object> pipeline() {
        return Resources.properties(Resources.ofType(template, "AWS::CodePipeline::Pipeline").values().iterator().next());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> actions(final String stageName) {
        final List<Map<String, Object>> stages = (List<Map<String, Object>>) pipeline().get("Stages");
        return (List<Map<String, Object>>) stages.stream().filter(s -> stageName.equals(s.get("Name")))
                .findFirst().orElseThrow().get("Actions");
    }

    private static Map<String, Object> action(final String stageName, final String actionName) {
        return actions(stageName).stream().filter(a -> actionName.equals(a.get("Name"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> configuration(final Map<String, Object> action) {
        return (Map<String, Object>) action.get("Configuration");
    }

    /** A CodeBuild action's EnvironmentVariables, name → value. */
    private static Map<String, Object> actionVariables(final Map<String, Object> action) {
        final List<Map<String, Object>> variables = Resources.parseJsonList((String) configuration(action).get("EnvironmentVariables"));
        return variables.stream().collect(Collectors.toMap(v -> (String) v.get("name"), v -> v.get("value")));
    }

    @Test
    void isATypeV2PipelineWithTheStagesInReleaseOrder() {
        assertEquals("V2", pipeline().get("PipelineType"));
        assertEquals(List.of("Source", "Build", "Staging", "Approval", "Production"),
                ((List<?>) pipeline().get("Stages")).stream().map(s -> ((Map<?, ?>) s).get("Name")).toList(),
                "the approval, a stage of its own, runs before the production deploy");
        assertEquals(List.of("Deploy@1", "SmokeTest@2"), order("Staging"));
        assertEquals(List.of("Approve@1"), order("Approval"));
        assertEquals(List.of("Deploy@1", "SmokeTest@2"), order("Production"));
        assertEquals("Manual", ((Map<?, ?>) action("Approval", "Approve").get("ActionTypeId")).get("Provider"));
    }

    private static List<String> order(final String stage) {
        return actions(stage).stream().sorted(Comparator.comparing(a -> (Integer) a.get("RunOrder")))
                .map(a -> a.get("Name") + "@" + a.get("RunOrder")).toList();
    }

    @Test
    void variablesFlowFromBuildToDeployToSmokeTest() {
        final Map<String, Object> build = action("Build", "TestBuildPush");
        assertEquals("BuildVariables", build.get("Namespace"));
        assertEquals(Map.of("EXECUTION_ID", "#{codepipeline.PipelineExecutionId}"), actionVariables(build));
        for (final Stage stage : Stage.values()) {
            final Map<String, Object> deploy = action(stage.title(), "Deploy");
            assertEquals(stage.title() + "DeployVariables", deploy.get("Namespace"));
            assertEquals(Map.of("IMAGE_URI", "#{BuildVariables.IMAGE_URI}", "IMAGE_DIGEST", "#{BuildVariables.IMAGE_DIGEST}"),
                    actionVariables(deploy), "a rollback re-runs this with the earlier execution's variables");
            final Map<String, Object> parameters = Resources.parseJson(
                    (String) configuration(action(stage.title(), "SmokeTest")).get("UserParameters"));
            assertEquals(Map.of("url", "#{" + stage.title() + "DeployVariables.SERVICE_URL}",
                    "expect", "Hello from", "budgetSeconds", 300), parameters);
        }
        assertTrue(((String) configuration(action("Approval", "Approve")).get("CustomData"))
                .contains("#{StagingDeployVariables.SERVICE_URL}"), "the approver sees what staging runs");
    }

    @Test
    void sourceIsTheConfiguredKeyAndRunsStartFromEventBridgeNotCloudTrail() {
        final Map<String, Object> source = configuration(action("Source", "Source"));
        assertEquals("source/eks-pipeline.zip", source.get("S3ObjectKey"));
        assertEquals(false, source.get("PollForSourceChanges"));
        template.hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Map.of(
                "source", List.of("aws.s3"),
                "detail-type", List.of("Object Created"),
                "detail", Map.of(
                        "bucket", Map.of("name", List.of(Map.of("Ref", sourceBucket()))),
                        "object", Map.of("key", List.of("source/eks-pipeline.zip")))),
                "Targets", List.of(Match.objectLike(Map.of("Arn", Match.anyValue())))));
        template.resourceCountIs("AWS::CloudTrail::Trail", 0);
        template.hasResourceProperties("Custom::S3BucketNotifications", Map.of(
                "NotificationConfiguration", Map.of("EventBridgeConfiguration", Map.of())));
    }

    private static String sourceBucket() {
        return Resources.ofType(template, "AWS::S3::Bucket").entrySet().stream()
                .filter(e -> Resources.properties(e.getValue()).containsKey("VersioningConfiguration"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    @Test
    void everyBucketIsPrivateEncryptedSslOnlyAndEmptiedOnDestroy() {
        final Map<String, Map<String, Object>> buckets = Resources.ofType(template, "AWS::S3::Bucket");
        assertEquals(3, buckets.size(), "source, artifacts, access logs");
        buckets.forEach((id, bucket) -> {
            final Map<String, Object> properties = Resources.properties(bucket);
            assertEquals("Delete", bucket.get("DeletionPolicy"), id);
            assertTrue(properties.containsKey("BucketEncryption"), id);
            assertEquals(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
                    "RestrictPublicBuckets", true), properties.get("PublicAccessBlockConfiguration"), id);
            template.hasResourceProperties("Custom::S3AutoDeleteObjects", Map.of("BucketName", Map.of("Ref", id)));
            template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
                    "Bucket", Map.of("Ref", id),
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                            "Effect", "Deny", "Action", "s3:*",
                            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        });
        final Map<String, Object> source = Resources.properties(buckets.get(sourceBucket()));
        assertEquals(Map.of("Status", "Enabled"), source.get("VersioningConfiguration"));
        assertTrue(((Map<?, ?>) source.get("LoggingConfiguration")).containsKey("DestinationBucketName"));
        @SuppressWarnings("unchecked")
        final Map<String, Object> artifactStore = (Map<String, Object>) pipeline().get("ArtifactStore");
        assertTrue(buckets.containsKey(((Map<?, ?>) artifactStore.get("Location")).get("Ref")),
                "the artifact bucket is one of ours, so it is emptied and deleted too");
    }

    @Test
    void deploySeedsTheSourceBeforeThePipelineExists() {
        template.hasResourceProperties("Custom::CDKBucketDeployment", Map.of(
                "DestinationBucketName", Map.of("Ref", sourceBucket()),
                "DestinationBucketKeyPrefix", "source/",
                "Extract", true,
                "Prune", false,
                "RetainOnDelete", false));
        final String seed = Resources.logicalIds(template, "Custom::CDKBucketDeployment").get(0);
        final String pipelineId = Resources.logicalIds(template, "AWS::CodePipeline::Pipeline").get(0);
        assertTrue(Resources.dependsOn(Resources.ofType(template, "AWS::CodePipeline::Pipeline").get(pipelineId))
                .contains(seed));
    }

    @Test
    void sourceBundleHoldsTheServiceAndManifestsWithoutBuildOutput() throws IOException {
        final byte[] zip = SourceBundle.zip(Path.of(""));
        final List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertTrue(names.containsAll(List.of("app/pom.xml",
                "k8s/base/kustomization.yaml", "k8s/overlays/staging/kustomization.yaml",
                "k8s/overlays/production/kustomization.yaml")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("app/src/main/java/")));
        assertFalse(names.stream().anyMatch(n -> n.contains("/target/")), names.toString());
        assertArrayEquals(zip, SourceBundle.zip(Path.of("")), "the same files give the same bytes");
    }

    @Test
    void imagesAreScannedImmutableExpiredAndEmptiedOnDelete() {
        template.hasResource("AWS::ECR::Repository", Map.of(
                "Properties", Match.objectLike(Map.of(
                        "RepositoryName", "eks-pipeline/hello",
                        "ImageScanningConfiguration", Map.of("ScanOnPush", true),
                        "ImageTagMutability", "IMMUTABLE",
                        "EmptyOnDelete", true,
                        "LifecyclePolicy", Match.objectLike(Map.of("LifecyclePolicyText", Match.stringLikeRegexp(
                                ".*\"countType\":\"imageCountMoreThan\",\"countNumber\":20.*"))))),
                "DeletionPolicy", "Delete"));
    }

    @Test
    void projectsRunExactlyTheBuildspecFiles() {
        final Map<String, Map<String, Object>> projects = Resources.ofType(template, "AWS::CodeBuild::Project");
        final Map<String, String> expected = Map.of(
                "eks-pipeline-build", Buildspecs.read("build.yml"),
                "eks-pipeline-deploy-staging", Buildspecs.read("deploy.yml"),
                "eks-pipeline-deploy-production", Buildspecs.read("deploy.yml"));
        assertEquals(expected.keySet(), projects.values().stream()
                .map(p -> (String) Resources.properties(p).get("Name")).collect(Collectors.toSet()));
        projects.values().forEach(p -> {
            final Map<String, Object> properties = Resources.properties(p);
            assertEquals(expected.get(properties.get("Name")), ((Map<?, ?>) properties.get("Source")).get("BuildSpec"),
                    properties.get("Name") + " carries its buildspec file verbatim");
        });
        assertTrue(Buildspecs.read("build.yml").contains("  " + ImageBuild.TEST_REPORT + ":"));
    }

    @Test
    void theBuildCallsNoDockerAndBuildsWithJib() {
        final String build = Buildspecs.read("build.yml");
        assertFalse(build.lines().filter(l -> !l.trim().startsWith("#")).anyMatch(l -> l.matches(".*\\bdocker\\b.*")),
                "no docker command in build.yml");
        assertTrue(build.contains("jib:build"), build);
        assertTrue(build.contains("    - IMAGE_URI\n    - IMAGE_DIGEST\n"), "both exported for the deploys");
    }

    @Test
    void noProjectIsPrivilegedAndTheBuildPublishesTestReportsToAGroupDeletedWithTheStack() {
        Resources.ofType(template, "AWS::CodeBuild::Project").values().forEach(project -> assertEquals(false,
                ((Map<?, ?>) Resources.properties(project).get("Environment")).get("PrivilegedMode"),
                "no Docker daemon, so no root on the build host: " + Resources.properties(project).get("Name")));
        template.hasResource("AWS::CodeBuild::ReportGroup", Map.of(
                "Properties", Match.objectLike(Map.of("Name", "eks-pipeline-build-unit-tests", "Type", "TEST",
                        "DeleteReports", true)),
                "DeletionPolicy", "Delete"));
    }

    @Test
    void buildRoleCanPushOnlyToThisRepository() {
        final String repository = Resources.logicalIds(template, "AWS::ECR::Repository").get(0);
        final List<Map<String, Object>> ecr = statementsOf(roleOf("eks-pipeline-build")).stream()
                .filter(s -> actionsOf(s).stream().anyMatch(a -> a.startsWith("ecr:"))).toList();
        assertFalse(ecr.isEmpty());
        for (final Map<String, Object> statement : ecr) {
            if (actionsOf(statement).equals(List.of("ecr:GetAuthorizationToken"))) {
                assertEquals("*", statement.get("Resource"), "AWS requires * for the registry login");
                continue;
            }
            assertEquals(Map.of("Fn::GetAtt", List.of(repository, "Arn")), statement.get("Resource"),
                    statement.toString());
        }
    }

    @Test
    void deployProjectsRunInThePrivateSubnetsAndReachTheClusterApi() {
        for (final Stage stage : Stage.values()) {
            final Map<String, Object> project = Resources.properties(Resources.ofType(template, "AWS::CodeBuild::Project")
                    .values().stream().filter(p -> ("eks-pipeline-deploy-" + stage.namespace())
                            .equals(Resources.properties(p).get("Name"))).findFirst().orElseThrow());
            final List<?> subnets = (List<?>) ((Map<?, ?>) project.get("VpcConfig")).get("Subnets");
            assertEquals(3, subnets.size());
            subnets.forEach(s -> assertTrue(s.toString().contains("PrivateSubnet"), s.toString()));
            final Map<String, Object> variables = ((List<?>) ((Map<?, ?>) project.get("Environment"))
                    .get("EnvironmentVariables")).stream().map(v -> (Map<?, ?>) v)
                    .collect(Collectors.toMap(v -> (String) v.get("Name"), v -> v.get("Value")));
            assertEquals(stage.namespace(), variables.get("STAGE"));
            assertEquals("1.36", variables.get("KUBERNETES_VERSION"));
            assertEquals("3600", variables.get("ROLLOUT_TIMEOUT_SECONDS"));
        }
        template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(
                        Resources.logicalIds(template, "AWS::EC2::SecurityGroup").get(0), "GroupId"))));
    }

    @Test
    void eachDeployRoleMayActOnlyInItsOwnNamespace() {
        final Map<String, Map<String, Object>> entries = Resources.ofType(template, "AWS::EKS::AccessEntry");
        assertEquals(2, entries.size());
        for (final Stage stage : Stage.values()) {
            final String role = roleOf("eks-pipeline-deploy-" + stage.namespace());
            final Map<String, Object> entry = entries.values().stream().map(Resources::properties)
                    .filter(p -> Map.of("Fn::GetAtt", List.of(role, "Arn")).equals(p.get("PrincipalArn")))
                    .findFirst().orElseThrow();
            final List<?> policies = (List<?>) entry.get("AccessPolicies");
            assertEquals(1, policies.size());
            final Map<?, ?> policy = (Map<?, ?>) policies.get(0);
            assertEquals(Map.of("Type", "namespace", "Namespaces", List.of(stage.namespace())), policy.get("AccessScope"));
            assertTrue(policy.get("PolicyArn").toString().contains("cluster-access-policy/AmazonEKSEditPolicy"));
            assertEquals(List.of("eks:DescribeCluster"), statementsOf(role).stream()
                    .flatMap(s -> actionsOf(s).stream()).filter(a -> a.startsWith("eks:")).toList());
        }
        final List<String> dependsOn = Resources.dependsOn(
                Resources.ofType(template, "AWS::CodePipeline::Pipeline").values().iterator().next());
        assertTrue(dependsOn.containsAll(entries.keySet()), "no deploy runs before its access exists");
    }

    @Test
    void smokeTestRunsOnTheNewestPythonInAwsCdkLib() throws IllegalAccessException {
        String newest = null;
        int[] newestVersion = {0, 0};
        for (final Field field : Runtime.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().matches("PYTHON_3_\\d+")) {
                final int minor = Integer.parseInt(field.getName().substring("PYTHON_3_".length()));
                if (minor > newestVersion[1]) {
                    newestVersion = new int[] {3, minor};
                    newest = ((Runtime) field.get(null)).getName();
                }
            }
        }
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", "smoke_test.handler",
                "Runtime", newest,
                "Timeout", 360));
    }

    @Test
    void approvalsGoToATopicAndOnlyAConfiguredEmailIsSubscribed() {
        template.resourceCountIs("AWS::SNS::Subscription", 0);
        assertTrue(configuration(action("Approval", "Approve")).containsKey("NotificationArn"));
        final Template withEmail = Synthesized.template(TestContext.defaults()
                .with("approvalEmail", "releases@example.com").deploy().pipeline());
        withEmail.hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "releases@example.com"));
    }

    @Test
    void warnsWhenNodeGroupsMixArchitectures() {
        Synthesized.hasNoWarning(Synths.defaults().pipeline(), "*", ".*mix Graviton.*");
        final var mixed = TestContext.defaults().with("nodeGroups", List.of(
                Map.of("name", "x86", "instanceTypes", List.of("t3.large"), "capacityType", "ON_DEMAND",
                        "minSize", 1, "desiredSize", 1, "maxSize", 2, "diskSizeGiB", 50),
                Map.of("name", "arm", "instanceTypes", List.of("m7g.large"), "capacityType", "ON_DEMAND",
                        "minSize", 1, "desiredSize", 1, "maxSize", 2, "diskSizeGiB", 50))).deploy().pipeline();
        Synthesized.hasWarning(mixed, "*", ".*mix Graviton.*");
    }

    @Test
    void gravitonOnlyClustersGetArmBuilds() {
        final Template arm = Synthesized.template(TestContext.defaults()
                .withNodeGroup(Map.of("instanceTypes", List.of("m7g.large"))).deploy().pipeline());
        arm.hasResourceProperties("AWS::CodeBuild::Project", Map.of("Name", "eks-pipeline-build",
                "Environment", Match.objectLike(Map.of("Type", "ARM_CONTAINER"))));
        template.hasResourceProperties("AWS::CodeBuild::Project", Map.of("Name", "eks-pipeline-build",
                "Environment", Match.objectLike(Map.of("Type", "ARM_CONTAINER"))));
        final Template x86 = Synthesized.template(TestContext.defaults()
                .withNodeGroup(Map.of("instanceTypes", List.of("t3.large"))).deploy().pipeline());
        x86.hasResourceProperties("AWS::CodeBuild::Project", Map.of("Name", "eks-pipeline-build",
                "Environment", Match.objectLike(Map.of("Type", "LINUX_CONTAINER"))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void bothDeployStagesRollBackWhenTheirDeployOrSmokeTestFails() {
        final List<Map<String, Object>> stages = (List<Map<String, Object>>) pipeline().get("Stages");
        final Map<String, Object> onFailure = stages.stream().collect(Collectors.toMap(
                st -> (String) st.get("Name"), st -> st.getOrDefault("OnFailure", Map.of())));
        assertEquals(Map.of("Result", "ROLLBACK"), onFailure.get("Staging"));
        assertEquals(Map.of("Result", "ROLLBACK"), onFailure.get("Production"));
        // A rejection fails the approval; with ROLLBACK its stage would re-run from the approval with the
        // release production already runs, and hold the stage until someone answered.
        assertEquals(Map.of(), onFailure.get("Approval"), "a rejected release stops there, nothing rolls back");
        assertEquals(Map.of(), onFailure.get("Source"), "a source stage cannot roll back");
        assertEquals(Map.of(), onFailure.get("Build"), "nothing to roll back: the build changes nothing that runs");
    }

    @Test
    void aNotificationRuleSendsFailuresSuccessesRollbacksAndApprovalsToAnEncryptedTopic() {
        final String topic = Resources.logicalIds(template, "AWS::SNS::Topic").stream()
                .filter(id -> id.startsWith("Notifications")).findFirst().orElseThrow();
        template.hasResourceProperties("AWS::CodeStarNotifications::NotificationRule", Map.of(
                "DetailType", "FULL",
                "EventTypeIds", List.of("codepipeline-pipeline-pipeline-execution-failed",
                        "codepipeline-pipeline-pipeline-execution-succeeded",
                        "codepipeline-pipeline-stage-execution-failed",
                        "codepipeline-pipeline-manual-approval-needed"),
                "Targets", List.of(Map.of("TargetAddress", Map.of("Ref", topic), "TargetType", "SNS"))));
        final String key = Resources.logicalIds(template, "AWS::KMS::Key").stream()
                .filter(id -> id.startsWith("NotificationsKey")).findFirst().orElseThrow();
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(key, "Arn"))));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true, "KeyPolicy", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "codestar-notifications.amazonaws.com"),
                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"))))))));
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", "sns:Publish",
                        "Principal", Map.of("Service", "codestar-notifications.amazonaws.com"))))))));
    }

    @Test
    void withoutANotificationEmailSynthWarnsAndWithOneItSubscribes() {
        Synthesized.hasWarning(Synths.defaults().pipeline(), "/Pipeline",
                "No one is told when a release fails, rolls back or waits for approval.*");
        Synthesized.template(TestContext.defaults().with("notificationEmail", "ops@example.com").deploy().pipeline())
                .hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "ops@example.com"));
    }

    @Test
    void matchesSnapshot() {
        Snapshots.assertMatches("Pipeline", template);
    }

    private static String roleOf(final String projectName) {
        final Map<String, Object> project = Resources.properties(Resources.ofType(template, "AWS::CodeBuild::Project")
                .values().stream().filter(p -> projectName.equals(Resources.properties(p).get("Name")))
                .findFirst().orElseThrow());
        return (String) ((List<?>) ((Map<?, ?>) project.get("ServiceRole")).get("Fn::GetAtt")).get(0);
    }

    private static List<Map<String, Object>> statementsOf(final String role) {
        return Resources.policyStatements(template, role);
    }

    private static List<String> actionsOf(final Map<String, Object> statement) {
        return Resources.strings(statement.get("Action"));
    }

    @Test
    void theDeployedCommitIsAParameterWhoseOnlyReaderIsOneSsmParameterNamedAfterTheApp() {
        template.hasParameter(DeployedCommitRecord.PARAMETER, Map.of("Type", "String",
                "Default", DeployedCommitRecord.UNRECORDED, "AllowedPattern", "^(unrecorded|[0-9a-f]{40})$"));
        template.resourceCountIs("AWS::SSM::Parameter", 1);
        template.hasResourceProperties("AWS::SSM::Parameter", Map.of("Name", "/eks-pipeline/deployed-commit",
                "Type", "String", "Tier", "Standard", "Value", Map.of("Ref", DeployedCommitRecord.PARAMETER)));
        // A stack update that changes only this parameter touches that one resource: nothing else reads it.
        final String json = new ObjectMapper().valueToTree(template.toJSON())
                .get("Resources").toString();
        assertEquals(1, json.split("\\{\"Ref\":\"" + DeployedCommitRecord.PARAMETER + "\"\\}", -1).length - 1);
    }
}
