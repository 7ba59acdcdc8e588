package com.ekspipeline.cluster;

import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Snapshots;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterStackTest {

    private static ClusterStack stack;
    private static Template template;
    /** The nodes stack: node groups and what follows them (NodesStackTest tests the split itself). */
    private static Template nodes;

    @BeforeAll
    static void synth() {
        stack = Synths.defaults().cluster();
        template = Synthesized.template(stack);
        nodes = Synthesized.template(Synths.defaults().nodes());
    }

    @Test
    void clusterRunsTheConfiguredVersionWithAccessEntriesOnly() {
        template.hasResourceProperties("AWS::EKS::Cluster", Map.of(
                "Name", "eks-pipeline",
                "Version", "1.36",
                "AccessConfig", Map.of("AuthenticationMode", "API", "BootstrapClusterCreatorAdminPermissions", false),
                "BootstrapSelfManagedAddons", false,
                "ComputeConfig", Map.of("Enabled", false)));
    }

    @Test
    void allFiveControlPlaneLogTypesGoToAnOwnedLogGroup() {
        template.hasResourceProperties("AWS::EKS::Cluster", Map.of("Logging", Map.of("ClusterLogging", Map.of(
                "EnabledTypes", List.of(Map.of("Type", "api"), Map.of("Type", "audit"), Map.of("Type", "authenticator"),
                        Map.of("Type", "controllerManager"), Map.of("Type", "scheduler"))))));
        final String logGroup = Resources.logicalId(template, "AWS::Logs::LogGroup", "LogGroupName",
                "/aws/eks/eks-pipeline/cluster");
        template.hasResource("AWS::Logs::LogGroup", Map.of(
                "Properties", Match.objectLike(Map.of("LogGroupName", "/aws/eks/eks-pipeline/cluster", "RetentionInDays", 30)),
                "DeletionPolicy", "Delete"));
        final String cluster = Resources.logicalIds(template, "AWS::EKS::Cluster").get(0);
        assertTrue(Resources.dependsOn(Resources.ofType(template, "AWS::EKS::Cluster").get(cluster)).contains(logGroup),
                "EKS would create the log group itself, without retention, if the cluster came first");
    }

    @Test
    void secretsAreEncryptedWithARotatedKeyDeletedWithTheStack() {
        template.hasResource("AWS::KMS::Key", Map.of(
                "Properties", Match.objectLike(Map.of("EnableKeyRotation", true, "PendingWindowInDays", 7)),
                "DeletionPolicy", "Delete"));
        template.hasResourceProperties("AWS::EKS::Cluster", Map.of("EncryptionConfig", List.of(Map.of(
                "Resources", List.of("secrets"),
                "Provider", Map.of("KeyArn", Map.of("Fn::GetAtt", List.of(
                        Resources.logicalIds(template, "AWS::KMS::Key").get(0), "Arn")))))));
    }

    @Test
    void endpointIsPublicAndPrivateWithTheConfiguredCidrs() {
        template.hasResourceProperties("AWS::EKS::Cluster", Map.of("ResourcesVpcConfig", Match.objectLike(Map.of(
                "EndpointPrivateAccess", true,
                "EndpointPublicAccess", true,
                "PublicAccessCidrs", List.of("0.0.0.0/0")))));
    }

    @Test
    void outputsTheExactUpdateKubeconfigCommand() {
        template.hasOutput("UpdateKubeconfigCommand", Map.of(
                "Value", "aws eks update-kubeconfig --region us-east-2 --name eks-pipeline"));
    }

    @Test
    void kubectlProviderUsesTheKubectlLayerAndRunsInThePrivateSubnets() {
        template.hasResourceProperties("AWS::Lambda::LayerVersion", Map.of(
                "Description", Match.stringLikeRegexp("/opt/kubectl/kubectl 1\\.36 .*")));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Layers", Match.arrayWith(List.of(Map.of("Ref", Match.stringLikeRegexp("KubectlLayer.*")))),
                "VpcConfig", Match.objectLike(Map.of("SubnetIds", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Fn::GetStackOutput", Match.objectLike(Map.of(
                                "OutputName", Match.stringLikeRegexp(".*PrivateSubnet1.*")))))))))));
    }

    @Test
    void nodeGroupIsAl2023InPrivateSubnetsWithRepairAndBoundedRollingUpdates() {
        // One group per zone, sharing the configured 2/2/5 (ZonalGroupsTest has the spread).
        nodes.hasResourceProperties("AWS::EKS::Nodegroup", Map.of(
                "NodegroupName", "general-us-east-2c",
                "AmiType", "AL2023_ARM_64_STANDARD",
                "CapacityType", "ON_DEMAND",
                "InstanceTypes", List.of("t4g.medium"),
                "ScalingConfig", Map.of("MinSize", 0, "DesiredSize", 0, "MaxSize", 1),
                "Labels", Map.of("workload", "general"),
                "NodeRepairConfig", Map.of("Enabled", true),
                "UpdateConfig", Map.of("MaxUnavailable", 1),
                "Subnets", Match.arrayWith(List.of(Match.objectLike(Map.of("Fn::GetStackOutput", Match.objectLike(Map.of(
                        "OutputName", Match.stringLikeRegexp(".*PrivateSubnet.*")))))))));
    }

    @Test
    void nodesRequireImdsv2AndBootFromEncryptedGp3() {
        nodes.hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Match.objectLike(Map.of(
                "MetadataOptions", Match.objectLike(Map.of("HttpTokens", "required", "HttpPutResponseHopLimit", 2)),
                "BlockDeviceMappings", List.of(Map.of("DeviceName", "/dev/xvda", "Ebs", Map.of(
                        "VolumeType", "gp3", "Encrypted", true, "VolumeSize", 50, "DeleteOnTermination", true)))))));
        nodes.hasResourceProperties("AWS::EKS::Nodegroup", Map.of(
                "LaunchTemplate", Match.objectLike(Map.of("Id", Match.anyValue())),
                "DiskSize", Match.absent()));
    }

    @Test
    void managedAddonsAreInstalledWithNetworkPolicyEnforcement() {
        // The add-ons nodes need lead them in the cluster stack; the others follow the nodes in theirs.
        assertEquals(List.of("eks-pod-identity-agent", "kube-proxy", "vpc-cni"), addonNames(template));
        assertEquals(List.of("aws-ebs-csi-driver", "coredns", "metrics-server"), addonNames(nodes));
        template.hasResourceProperties("AWS::EKS::Addon", Map.of(
                "AddonName", "vpc-cni", "ConfigurationValues", "{\"enableNetworkPolicy\":\"true\"}"));
    }

    @Test
    void ebsCsiDriverGetsItsPermissionsThroughPodIdentity() {
        nodes.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of(
                "Namespace", "kube-system", "ServiceAccount", "ebs-csi-controller-sa"));
        nodes.hasResourceProperties("AWS::IAM::Role", Map.of(
                "AssumeRolePolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", List.of("sts:AssumeRole", "sts:TagSession"),
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "pods.eks.amazonaws.com"))), "Version", "2012-10-17"),
                "ManagedPolicyArns", List.of(Map.of("Fn::Join", List.of("", List.of("arn:",
                        Map.of("Ref", "AWS::Partition"), ":iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"))))));
    }

    @Test
    void nodesWaitForNetworkingAddonsAndPodAddonsWaitForNodes() {
        // The networking add-ons are in the cluster stack, which the nodes stack deploys after.
        assertTrue(Synths.defaults().nodes().getDependencies().contains(stack));
        for (String before : List.of("vpc-cni", "kube-proxy", "eks-pod-identity-agent")) {
            Resources.logicalId(template, "AWS::EKS::Addon", "AddonName", before);
        }
        final String nodeGroup = Resources.logicalIds(nodes, "AWS::EKS::Nodegroup").get(0);
        for (String after : List.of("coredns", "aws-ebs-csi-driver", "metrics-server")) {
            assertTrue(Resources.dependsOn(Resources.ofType(nodes, "AWS::EKS::Addon").get(
                    Resources.logicalId(nodes, "AWS::EKS::Addon", "AddonName", after)))
                    .contains(nodeGroup), after + " needs nodes to schedule its pods");
        }
    }

    @Test
    void everyAddonRunsTheVersionLookedUpForTheClustersVersionAndOverwritesDrift() {
        final Map<String, Map<String, Object>> lookups = Resources.ofType(template, AddonVersions.TYPE);
        assertEquals(1, lookups.size());
        final String lookup = lookups.keySet().iterator().next();
        final Map<String, Object> properties = Resources.properties(lookups.get(lookup));
        assertEquals("1.36", properties.get("KubernetesVersion"));
        final Map<String, Map<String, Object>> addons = new java.util.HashMap<>(Resources.ofType(template, "AWS::EKS::Addon"));
        addons.putAll(Resources.ofType(nodes, "AWS::EKS::Addon"));
        assertEquals(addons.values().stream().map(a -> Resources.properties(a).get("AddonName")).sorted().toList(),
                ((List<?>) properties.get("AddonNames")).stream().sorted().toList(), "one lookup for every add-on");
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> outputs = (Map<String, Map<String, Object>>) template.toJSON().get("Outputs");
        addons.values().forEach(addon -> {
            final Map<String, Object> props = Resources.properties(addon);
            Object version = props.get("AddonVersion");
            if (version instanceof Map<?, ?> reference && reference.get("Fn::GetStackOutput") instanceof Map<?, ?> output) {
                // In the nodes stack, the lookup's answer arrives through the cluster stack's output.
                version = outputs.get(output.get("OutputName")).get("Value");
            }
            assertEquals(Map.of("Fn::GetAtt", List.of(lookup, props.get("AddonName"))), version);
            assertEquals("OVERWRITE", props.get("ResolveConflicts"), props.get("AddonName") + "");
        });
    }

    @Test
    void nodeGroupsRunTheClustersVersionAndHonourDisruptionBudgets() {
        final Map<String, Map<String, Object>> groups = Resources.ofType(nodes, "AWS::EKS::Nodegroup");
        assertEquals(3, groups.size(), "one per zone");
        groups.values().forEach(group -> {
            final Map<String, Object> props = Resources.properties(group);
            assertEquals("1.36", props.get("Version"));
            assertEquals(false, props.get("ForceUpdateEnabled"), "an update waits for PodDisruptionBudgets");
            assertEquals(null, props.get("ReleaseVersion"), "unpinned: the newest AMI of the version");
            // The cluster's name comes from the cluster stack, which CloudFormation updates first.
            assertEquals(stack.getStackName(), ((Map<?, ?>) ((Map<?, ?>) props.get("ClusterName"))
                    .get("Fn::GetStackOutput")).get("StackName"));
        });
    }

    @Test
    void aPinnedAmiReleaseReachesItsNodeGroup() {
        final Template pinned = Synthesized.template(TestContext.defaults()
                .withNodeGroup(Map.of("amiReleaseVersion", "1.36.0-20260610")).deploy().nodes());
        pinned.hasResourceProperties("AWS::EKS::Nodegroup", Map.of("ReleaseVersion", "1.36.0-20260610",
                "Version", "1.36"));
    }

    @Test
    void clusterAutoscalerDiscoversNodeGroupsOfThisClusterWithAMatchingVersion() {
        final Map<String, Object> chart = helmChart("cluster-autoscaler");
        assertEquals("https://kubernetes.github.io/autoscaler", chart.get("Repository"));
        assertEquals(ClusterAutoscaler.CHART_VERSION, chart.get("Version"));
        assertEquals("kube-system", chart.get("Namespace"));
        final String values = (String) chart.get("Values");
        assertTrue(values.contains("\"autoDiscovery\":{\"clusterName\":\"eks-pipeline\"}"), values);
        assertTrue(values.contains("\"image\":{\"tag\":\"v1.36.0\"}"), values);
        assertTrue(values.contains("\"name\":\"cluster-autoscaler\""), values);
        nodes.hasResourceProperties("AWS::EKS::PodIdentityAssociation", Map.of(
                "Namespace", "kube-system", "ServiceAccount", "cluster-autoscaler"));
    }

    @Test
    void clusterAutoscalerMayResizeOnlyThisClustersGroups() {
        nodes.hasResourceProperties("AWS::IAM::Policy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(
                List.of(Match.objectLike(Map.of(
                        "Sid", "ResizeOwnNodeGroups",
                        "Action", List.of("autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"),
                        "Condition", Map.of("StringEquals", Map.of(
                                "aws:ResourceTag/k8s.io/cluster-autoscaler/eks-pipeline", "owned")))))), "Version", "2012-10-17")));
    }

    @Test
    void loadBalancerControllerIsInstalled() {
        final Map<String, Object> chart = helmChart("aws-load-balancer-controller");
        assertEquals("https://aws.github.io/eks-charts", chart.get("Repository"));
        // Everything the controller creates carries the app tag, for verify-destroyed to find.
        final String values = String.valueOf(chart.get("Values"));
        assertTrue(values.contains("\"defaultTags\":{\"app\":\"eks-pipeline\"}"), values);
    }

    @Test
    void defaultStorageClassIsEncryptedGp3BoundAtFirstConsumerAndDeletedWithItsClaim() {
        final String manifest = manifestContaining("\"kind\":\"StorageClass\"");
        for (String expected : List.of("\"type\":\"gp3\"", "\"encrypted\":\"true\"", "\"provisioner\":\"ebs.csi.aws.com\"",
                "\"volumeBindingMode\":\"WaitForFirstConsumer\"", "\"reclaimPolicy\":\"Delete\"",
                "\"storageclass.kubernetes.io/is-default-class\":\"true\"",
                // Volumes carry the app tag and the cluster's, for verify-destroyed to find.
                "\"tagSpecification_1\":\"app=eks-pipeline\"",
                "\"tagSpecification_2\":\"kubernetes.io/cluster/eks-pipeline=owned\"")) {
            assertTrue(manifest.contains(expected), expected + " missing from " + manifest);
        }
    }

    /**
     * The namespace alone in its manifest, so that its delete waits until it is gone: with its quota in the
     * same {@code kubectl delete -f}, a NotFound on the quota would end the delete early (StageNamespaces).
     */
    @Test
    void eachStageNamespaceHasAQuotaAndALimitRangeInAManifestDeletedBeforeIt() {
        for (Stage stage : Stage.values()) {
            final String namespaceId = manifestId("\"name\":\"" + stage.namespace() + "\"");
            final List<Map<String, Object>> namespace = Resources.parseJsonList(Resources.manifests(nodes).get(namespaceId));
            assertEquals(List.of("Namespace"), namespace.stream().map(o -> o.get("kind")).toList());
            final String limitsId = manifestId("\"namespace\":\"" + stage.namespace() + "\"");
            final Map<String, Object> limits = Resources.ofType(nodes, "Custom::AWSCDK-EKS-KubernetesResource").get(limitsId);
            final String manifest = String.valueOf(Resources.properties(limits).get("Manifest"));
            assertEquals(List.of("ResourceQuota", "LimitRange"), Resources.parseJsonList(manifest).stream()
                    .map(o -> o.get("kind")).toList());
            assertTrue(manifest.contains("\"services.loadbalancers\":\"2\""), manifest);
            assertTrue(Resources.dependsOn(limits).contains(namespaceId), limitsId + " must be deleted before " + namespaceId);
            // An existing deployment already holds the two objects: created with apply, which takes them over.
            assertEquals(true, Resources.properties(limits).get("Overwrite"));
        }
    }

    @Test
    void namespacesAreDeletedWhileNodesAddonsAndControllersStillRun() {
        final List<String> mustOutliveNamespaces = new ArrayList<>(Resources.logicalIds(nodes, "AWS::EKS::Nodegroup"));
        mustOutliveNamespaces.addAll(Resources.logicalIds(nodes, "AWS::EKS::Addon"));
        mustOutliveNamespaces.addAll(Resources.logicalIds(nodes, "Custom::AWSCDK-EKS-HelmChart"));
        mustOutliveNamespaces.add(manifestId("\"kind\":\"StorageClass\""));
        for (Stage stage : Stage.values()) {
            final String namespace = manifestId("\"name\":\"" + stage.namespace() + "\"");
            final List<String> deps = Resources.dependsOn(
                    Resources.ofType(nodes, "Custom::AWSCDK-EKS-KubernetesResource").get(namespace));
            for (String controller : mustOutliveNamespaces) {
                assertTrue(deps.contains(controller), stage + " namespace must be deleted before " + controller);
            }
        }
    }

    @Test
    void nothingInTheStackIsRetained() {
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> resources = new java.util.HashMap<>(
                (Map<String, Map<String, Object>>) template.toJSON().get("Resources"));
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> inNodes = (Map<String, Map<String, Object>>) nodes.toJSON().get("Resources");
        resources.putAll(inNodes);
        resources.forEach((id, resource) -> {
            final Object policy = resource.get("DeletionPolicy");
            assertTrue(policy == null || policy.equals("Delete"), id + " has DeletionPolicy " + policy);
        });
    }

    @Test
    void noKubectlSkewWarningAnyMore() {
        Synthesized.hasNoWarning(stack, "/Cluster", ".*minor versions apart.*");
    }

    @Test
    void noSupportWarningWhileTheVersionIsWellInsideStandardSupport() {
        Synthesized.hasNoWarning(stack, "/Cluster", ".*EKS standard support.*");
    }

    @Test
    void warnsAtSynthWhenTheVersionIsPastStandardSupport() {
        final ClusterStack old = TestContext.defaults().with("kubernetesVersion", "1.31")
                .with("extendedSupport", true).deploy().cluster();
        Synthesized.hasWarning(old, "/Cluster",
                "Kubernetes 1\\.31 left EKS standard support on 2025-11-26: the control plane is billed at the "
                        + "extended-support price, \\$0\\.60 an hour instead of \\$0\\.10.*");
    }

    @Test
    void warnsWhenNoPersonCanUseKubectl() {
        Synthesized.hasWarning(stack, "/Cluster", "adminPrincipalArns is empty.*");
    }

    @Test
    void warnsWhileThePublicEndpointIsOpenToEveryAddress() {
        Synthesized.hasWarning(stack, "/Cluster",
                "endpointPublicCidrs contains 0\\.0\\.0\\.0/0, so the cluster's API endpoint accepts connections from "
                        + "any address.*Narrow it.*-c endpointPublicCidrs=.*");
    }

    @Test
    void theEndpointSuppressionSaysTheEndpointIsOpenByDefault() {
        final String reason = String.valueOf(Resources.ofType(template, "AWS::EKS::Cluster").values().iterator().next()
                .get("Metadata"));
        assertTrue(reason.contains("by default 0.0.0.0/0") && reason.contains("synth warns"), reason);
    }

    @Test
    void warnsWhenTheGroupsAtMaxSizeCannotHoldTheServiceAtItsMaximum() {
        Synthesized.hasNoWarning(stack, "/Cluster", ".*cannot hold.*");
        final ClusterStack small = TestContext.defaults().withNodeGroup(Map.of("instanceTypes", List.of("t3.medium"),
                "minSize", 1, "desiredSize", 1, "maxSize", 1)).deploy().cluster();
        Synthesized.hasWarning(small, "/Cluster", "The node groups at maxSize \\(1 nodes: "
                + "room for 17 pods, 1930m CPU, 3554 MiB\\) cannot hold the cluster's own pods and the sample service "
                + "at its autoscalers' maximum \\(25 pods, 5700m CPU, 6260 MiB\\).*");
    }

    @Test
    void matchesSnapshot() {
        Snapshots.assertMatches("Cluster", template);
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithAdminsSpotGravitonNodesAndAnOlderVersion {

        private ClusterStack variant;
        private Template variantTemplate;
        private Template variantNodes;

        @BeforeAll
        void synth() {
            final com.ekspipeline.Deployment deployment = TestContext.defaults()
                    .with("kubernetesVersion", "1.33")
                    .with("extendedSupport", true)
                    .with("endpointPublicCidrs", "203.0.113.0/24")
                    .with("adminPrincipalArns", "arn:aws:iam::123456789012:role/PlatformAdmin")
                    .with("nodeGroups", "[{\"name\":\"arm\",\"instanceTypes\":[\"m7g.large\",\"m6g.large\"],"
                            + "\"capacityType\":\"SPOT\",\"minSize\":1,\"desiredSize\":1,\"maxSize\":4,\"diskSizeGiB\":30}]")
                    .deploy();
            variant = deployment.cluster();
            variantTemplate = Synthesized.template(variant);
            variantNodes = Synthesized.template(deployment.nodes());
        }

        @Test
        void noEndpointWarningOnceTheCidrsAreNarrowed() {
            Synthesized.hasNoWarning(variant, "/Cluster", "endpointPublicCidrs.*");
        }

        @Test
        void adminsGetClusterAdminThroughAnAccessEntry() {
            variantTemplate.hasResourceProperties("AWS::EKS::AccessEntry", Map.of(
                    "PrincipalArn", "arn:aws:iam::123456789012:role/PlatformAdmin",
                    "AccessPolicies", List.of(Map.of(
                            "AccessScope", Map.of("Type", "cluster"),
                            "PolicyArn", Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"),
                                    ":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")))))));
        }

        @Test
        void gravitonSpotGroupsGetTheArmAmiAndSpotCapacity() {
            variantNodes.hasResourceProperties("AWS::EKS::Nodegroup", Map.of(
                    "AmiType", "AL2023_ARM_64_STANDARD",
                    "CapacityType", "SPOT",
                    "InstanceTypes", List.of("m7g.large", "m6g.large")));
        }

        @Test
        void publicEndpointIsLimitedToTheConfiguredCidrs() {
            variantTemplate.hasResourceProperties("AWS::EKS::Cluster", Map.of("ResourcesVpcConfig", Match.objectLike(
                    Map.of("PublicAccessCidrs", List.of("203.0.113.0/24")))));
        }

        @Test
        void kubectlOfThatVersionAndNoAdminWarning() {
            variantTemplate.hasResourceProperties("AWS::Lambda::LayerVersion", Map.of(
                    "Description", Match.stringLikeRegexp("/opt/kubectl/kubectl 1\\.33 .*lambda-layer-kubectl-v33")));
            Synthesized.hasNoWarning(variant, "/Cluster", "adminPrincipalArns.*");
        }
    }

    private static List<String> addonNames(final Template in) {
        return Resources.ofType(in, "AWS::EKS::Addon").values().stream()
                .map(addon -> (String) Resources.properties(addon).get("AddonName")).sorted().toList();
    }

    private static Map<String, Object> helmChart(final String chart) {
        return Resources.properties(Resources.ofType(nodes, "Custom::AWSCDK-EKS-HelmChart")
                .get(Resources.logicalId(nodes, "Custom::AWSCDK-EKS-HelmChart", "Chart", chart)));
    }

    private static String manifestId(final String fragment) {
        final List<String> ids = Resources.manifests(nodes).entrySet().stream()
                .filter(e -> e.getValue().contains(fragment)).map(Map.Entry::getKey).toList();
        assertEquals(1, ids.size(), () -> "manifests containing " + fragment + ": " + ids);
        return ids.get(0);
    }

    private static String manifestContaining(final String fragment) {
        return Resources.manifests(nodes).get(manifestId(fragment));
    }
}
