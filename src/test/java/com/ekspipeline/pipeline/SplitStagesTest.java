package com.ekspipeline.pipeline;

import com.ekspipeline.Deployment;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Staging and production on clusters of their own: in one account ({@code split-stages}) and with production
 * in an account and region of its own ({@code two-accounts}, the pipeline and staging in 111111111111).
 */
class SplitStagesTest {

    private static Stack stack(final String configuration, final String id) {
        return Synths.named(configuration).stacks().stream().filter(s -> id.equals(s.getNode().getId()))
                .findFirst().orElseThrow();
    }

    private static Template template(final String configuration, final String id) {
        return Synthesized.template(stack(configuration, id));
    }

    @Test
    void theDefaultKeepsItsFourStacks() {
        assertEquals(List.of("Network", "Cluster", "Nodes", "Pipeline"),
                Synths.defaults().stacks().stream().map(s -> s.getNode().getId()).toList());
    }

    @Test
    void eachStageHasItsOwnNetworkClusterAndNodesNamedFromTheAppAndTheStage() {
        final Deployment split = Synths.named("split-stages");
        assertEquals(List.of("StagingNetwork", "StagingCluster", "StagingNodes", "StagingDeployAccess",
                        "ProductionNetwork", "ProductionCluster", "ProductionNodes", "ProductionDeployAccess", "Pipeline"),
                split.stacks().stream().map(s -> s.getNode().getId()).toList());
        assertEquals(List.of("eks-pipeline-staging-network", "eks-pipeline-staging-cluster",
                        "eks-pipeline-staging-nodes", "eks-pipeline-staging-deploy-access",
                        "eks-pipeline-production-network", "eks-pipeline-production-cluster",
                        "eks-pipeline-production-nodes", "eks-pipeline-production-deploy-access", "eks-pipeline-pipeline"),
                split.stacks().stream().map(Stack::getStackName).toList());
        for (final String stage : List.of("Staging", "Production")) {
            Resources.ofType(template("split-stages", stage + "Network"), "AWS::EC2::VPC");
            assertEquals(1, Resources.ofType(template("split-stages", stage + "Network"), "AWS::EC2::VPC").size());
            template("split-stages", stage + "Cluster").hasResourceProperties("AWS::EKS::Cluster",
                    Match.objectLike(Map.of("Name", "eks-pipeline-" + stage.toLowerCase())));
        }
        // Staging parks at night, production runs on.
        assertEquals(1, Resources.ofType(template("split-stages", "StagingNodes"), "AWS::Scheduler::Schedule").size() / 2);
        assertTrue(Resources.ofType(template("split-stages", "ProductionNodes"), "AWS::Scheduler::Schedule").isEmpty());
    }

    /** The names of the Namespaces a Nodes template's manifests create. */
    private static List<String> namespaces(final Template nodes) {
        return Resources.ofType(nodes, "Custom::AWSCDK-EKS-KubernetesResource").values().stream()
                .map(resource -> String.valueOf(resource.get("Properties")))
                .filter(manifest -> manifest.contains("\"kind\":\"Namespace\""))
                .flatMap(manifest -> Stream.of("staging", "production")
                        .filter(name -> manifest.contains("\"name\":\"" + name + "\"}}")))
                .sorted().toList();
    }

    @Test
    void aStagesClusterHoldsItsOwnNamespaceOnlyAndTheSharedOneBoth() {
        assertEquals(List.of("staging"), namespaces(template("split-stages", "StagingNodes")));
        assertEquals(List.of("production"), namespaces(template("split-stages", "ProductionNodes")));
        assertEquals(List.of("production", "staging"), namespaces(Synthesized.template(Synths.defaults().nodes())));
    }

    @Test
    void aStageWithItsOwnAccountAndRegionIsDeployedThereAndThePipelineStaysHome() {
        for (final String id : List.of("ProductionNetwork", "ProductionCluster", "ProductionNodes", "ProductionDeployAccess")) {
            assertEquals("222222222222", stack("two-accounts", id).getAccount(), id);
            assertEquals("us-west-2", stack("two-accounts", id).getRegion(), id);
        }
        for (final String id : List.of("StagingNetwork", "StagingCluster", "StagingNodes", "StagingDeployAccess", "Pipeline")) {
            assertEquals("111111111111", stack("two-accounts", id).getAccount(), id);
            assertEquals("us-east-2", stack("two-accounts", id).getRegion(), id);
        }
        template("two-accounts", "ProductionCluster").hasResourceProperties("AWS::EKS::Cluster",
                Match.objectLike(Map.of("Name", "eks-pipeline-production", "Version", "1.35")));
    }

    @Test
    void stagingStartsBeforeProductionAndThePipelineAfterBoth() {
        final Deployment split = Synths.named("two-accounts");
        assertTrue(stack("two-accounts", "ProductionNetwork").getDependencies()
                .contains(stack("two-accounts", "StagingDeployAccess")));
        assertTrue(split.pipeline().getDependencies().containsAll(List.of(stack("two-accounts", "StagingDeployAccess"),
                stack("two-accounts", "ProductionDeployAccess"))));
    }

    /** The repository lets exactly the other accounts pull; the delivery account needs no grant, and names no role. */
    @Test
    void theRepositoryLetsExactlyTheOtherAccountsNodesPull() {
        final Map<String, Object> repository = Resources.properties(Resources.ofType(template("two-accounts", "Pipeline"),
                "AWS::ECR::Repository").values().iterator().next());
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>)
                repository.get("RepositoryPolicyText")).get("Statement");
        assertEquals(1, statements.size(), statements::toString);
        assertEquals("StageNodesPull", statements.get(0).get("Sid"));
        assertEquals(RepositoryPulls.PULL, Resources.strings(statements.get(0).get("Action")));
        assertEquals("{AWS=arn:aws:iam::222222222222:root}",
                String.valueOf(statements.get(0).get("Principal")));
        final Map<String, Object> sameAccount = Resources.properties(Resources.ofType(template("split-stages", "Pipeline"),
                "AWS::ECR::Repository").values().iterator().next());
        assertFalse(sameAccount.containsKey("RepositoryPolicyText"), sameAccount::toString);
    }

    @Test
    void theStagingDeployCanAssumeOnlyStagingsRole() {
        final Template pipeline = template("two-accounts", "Pipeline");
        final String stagingRole = Resources.logicalId(pipeline, "AWS::IAM::Role", "RoleName", "eks-pipeline-deploy-staging");
        final List<Map<String, Object>> statements = Resources.policyStatements(pipeline, stagingRole);
        final List<Object> assumed = statements.stream().filter(s -> "sts:AssumeRole".equals(s.get("Action")))
                .map(s -> s.get("Resource")).toList();
        assertEquals(List.of("arn:aws:iam::111111111111:role/eks-pipeline-staging-deploy"), assumed);
        final String productionRole = Resources.logicalId(pipeline, "AWS::IAM::Role", "RoleName",
                "eks-pipeline-deploy-production");
        assertEquals(List.of("arn:aws:iam::222222222222:role/eks-pipeline-production-deploy"),
                Resources.policyStatements(pipeline, productionRole).stream()
                        .filter(s -> "sts:AssumeRole".equals(s.get("Action"))).map(s -> s.get("Resource")).toList());
    }

    @Test
    void productionsRoleTrustsOnlyProductionsDeployProjectAndReachesOnlyItsNamespace() {
        final Template access = template("two-accounts", "ProductionDeployAccess");
        access.hasResourceProperties("AWS::IAM::Role", Match.objectEquals(Map.of(
                "RoleName", "eks-pipeline-production-deploy",
                "Description", Match.anyValue(),
                "Tags", Match.anyValue(),
                "AssumeRolePolicyDocument", Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole",
                        "Effect", "Allow",
                        "Principal", Map.of("AWS", "arn:aws:iam::111111111111:root"),
                        "Condition", Map.of("ArnEquals", Map.of("aws:PrincipalArn",
                                "arn:aws:iam::111111111111:role/eks-pipeline-deploy-production"))))))));
        assertEquals(1, Resources.ofType(access, "AWS::EKS::AccessEntry").size());
        access.hasResourceProperties("AWS::EKS::AccessEntry", Match.objectLike(Map.of("AccessPolicies", List.of(
                Match.objectLike(Map.of("AccessScope", Map.of("Type", "namespace", "Namespaces", List.of("production"))))))));
        // No access entry of the production cluster names the staging deploy.
        assertFalse(access.toJSON().toString().contains("staging"));
    }

    @Test
    void aStagesDeployRunsOutsideAnyVpcAsItsStagesRole() {
        final Map<String, Object> project = Resources.properties(Resources.ofType(template("two-accounts", "Pipeline"),
                "AWS::CodeBuild::Project").entrySet().stream().filter(e -> e.getKey().startsWith("ProductionDeployProject"))
                .findFirst().orElseThrow().getValue());
        assertFalse(project.containsKey("VpcConfig"));
        final String buildspec = (String) ((Map<?, ?>) project.get("Source")).get("BuildSpec");
        assertFalse(buildspec.contains(Buildspecs.KUBECONFIG));
        assertTrue(buildspec.contains("aws eks update-kubeconfig --name \"${CLUSTER_NAME:?}\" --region \"$CLUSTER_REGION\" "
                + "--profile stage"), buildspec);
        assertTrue(buildspec.contains("AWS_PROFILE=stage AWS_REGION=\"$CLUSTER_REGION\" " + Buildspecs.LOAD_BALANCER_WAIT));
        assertTrue(project.toString().contains("{Name=CLUSTER_REGION, Type=PLAINTEXT, Value=us-west-2}"), project::toString);
        assertTrue(project.toString().contains("Value=arn:aws:iam::222222222222:role/eks-pipeline-production-deploy"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void productionIsNotEnteredWhileStagingsAlarmIsInAlarm() {
        final Template pipeline = template("two-accounts", "Pipeline");
        final Map<String, Object> properties = Resources.properties(Resources.ofType(pipeline,
                "AWS::CodePipeline::Pipeline").values().iterator().next());
        final Map<String, Object> production = ((List<Map<String, Object>>) properties.get("Stages")).stream()
                .filter(s -> "Production".equals(s.get("Name"))).findFirst().orElseThrow();
        // The first rule; with observability on, staging's cluster alarms follow it (StageWatchTest).
        final Map<String, Object> condition = ((List<Map<String, Object>>) ((Map<String, Object>)
                production.get("BeforeEntry")).get("Conditions")).get(0);
        assertEquals("FAIL", condition.get("Result"));
        assertEquals(Map.of(
                        "Name", ProductionEntry.RULE_NAME,
                        "RuleTypeId", Map.of("Category", "Rule", "Owner", "AWS", "Provider", "CloudWatchAlarm",
                                "Version", "1"),
                        "Configuration", Map.of("AlarmName", "eks-pipeline-staging-deploy-failed",
                                "AlarmStates", "ALARM")),
                ((List<?>) condition.get("Rules")).get(0));
        pipeline.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmName", "eks-pipeline-staging-deploy-failed", "MetricName", "FailedBuilds",
                "Namespace", "AWS/CodeBuild", "Threshold", 1)));
        final String role = (String) ((List<Object>) ((Map<String, Object>) properties.get("RoleArn")).get("Fn::GetAtt")).get(0);
        assertTrue(Resources.policyStatements(pipeline, role).stream()
                        .filter(s -> "cloudwatch:DescribeAlarms".equals(s.get("Action"))).map(s -> s.get("Resource"))
                        .toList().toString().contains(
                                "arn:aws:cloudwatch:us-east-2:111111111111:alarm:eks-pipeline-staging-deploy-failed"),
                "the pipeline's role reads staging's deploy alarm");
        final Map<String, Object> staging = ((List<Map<String, Object>>) properties.get("Stages")).stream()
                .filter(s -> "Staging".equals(s.get("Name"))).findFirst().orElseThrow();
        assertFalse(staging.containsKey("BeforeEntry"));
    }
}
