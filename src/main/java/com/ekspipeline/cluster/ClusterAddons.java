package com.ekspipeline.cluster;

import com.ekspipeline.core.Nag;
import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.services.eks.CfnAddon;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.IAddon;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The EKS managed add-ons. The cluster is created without the self-managed defaults, so every one of
 * these is an EKS managed add-on and none fights an unmanaged copy. EKS does not update a managed
 * add-on by itself: each carries the version AWS marks default for the cluster's Kubernetes version
 * ({@link AddonVersions}), so raising kubernetesVersion updates them all in the same deploy.
 *
 * <p>Order matters: nodes become Ready only with the VPC CNI and kube-proxy in place, while CoreDNS, the
 * EBS CSI driver and metrics-server need running nodes; and all of them must still run while the stage
 * namespaces are deleted. Each add-on declares that in the cluster's {@link ClusterOrder}.
 *
 * <p>With observability on, {@link ContainerInsights} adds the CloudWatch observability add-on, whose
 * agent and Fluent Bit run on the nodes like CoreDNS.
 */
public final class ClusterAddons extends Construct {

    /** Every add-on here, as EKS names it; the pod identity agent comes with the cluster. */
    static final List<String> NAMES = List.of("vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns",
            "aws-ebs-csi-driver", "metrics-server");

    private final AddonVersions versions;
    private final Cluster cluster;

    public ClusterAddons(final Construct scope, final String id, final ClusterInfo info, final boolean observability) {
        super(scope, id);
        cluster = info.cluster();
        versions = new AddonVersions(this, "Versions", info, observability
                ? Stream.concat(NAMES.stream(), Stream.of(ContainerInsights.ADDON)).toList()
                : NAMES);
        // Network policies are enforced by the VPC CNI itself (eBPF), no extra controller needed.
        final Addon vpcCni = addon("VpcCni", "vpc-cni", Map.of("enableNetworkPolicy", "true"));
        final Addon kubeProxy = addon("KubeProxy", "kube-proxy", Map.of());
        // The cluster creates this add-on once, shared with every Pod Identity service account.
        final IAddon podIdentityAgent = cluster.getEksPodIdentityAgent();
        pin((CfnAddon) podIdentityAgent.getNode().getDefaultChild(), "eks-pod-identity-agent");
        final Addon coreDns = addon("CoreDns", "coredns", Map.of());

        final PodIdentityRole ebsIdentity = new PodIdentityRole(this, "EbsCsiDriverIdentity", cluster,
                "kube-system", "ebs-csi-controller-sa");
        ebsIdentity.getRole().addManagedPolicy(
                ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonEBSCSIDriverPolicy"));
        Nag.suppress(ebsIdentity, "AwsSolutions-IAM4", "The EBS CSI driver add-on's documented policy; it creates "
                + "and attaches volumes only for the cluster's claims.",
                Nag.managedPolicy("service-role/AmazonEBSCSIDriverPolicy"));
        final Addon ebsCsiDriver = addon("EbsCsiDriver", "aws-ebs-csi-driver", Map.of());
        ebsCsiDriver.getNode().addDependency(ebsIdentity);

        // The Horizontal Pod Autoscaler reads pod CPU and memory from metrics-server.
        final Addon metricsServer = addon("MetricsServer", "metrics-server", Map.of());

        List.of(vpcCni, kubeProxy, podIdentityAgent).forEach(info.order()::nodesNeed);
        List.of(coreDns, ebsCsiDriver, metricsServer).forEach(info.order()::runsOnNodes);
        List.of(vpcCni, kubeProxy, podIdentityAgent, coreDns, ebsCsiDriver, metricsServer)
                .forEach(info.order()::outlivesNamespaces);
        if (observability) {
            final Addon containerInsights = ContainerInsights.create(this, info);
            info.order().runsOnNodes(containerInsights);
            info.order().outlivesNamespaces(containerInsights);
        }
    }

    /** A managed add-on at the looked-up version; {@code values} is its configuration, if any. */
    Addon addon(final String id, final String name, final Map<String, Object> values) {
        final Addon.Builder builder = Addon.Builder.create(this, id).cluster(cluster).addonName(name)
                .addonVersion(versions.of(name));
        if (!values.isEmpty()) {
            builder.configurationValues(SortedJson.of(values));
        }
        final Addon addon = builder.build();
        pin((CfnAddon) addon.getNode().getDefaultChild(), name);
        return addon;
    }

    /**
     * The looked-up version, and how an update meets settings changed outside CloudFormation: OVERWRITE
     * puts EKS's defaults back over them, with the configuration values set here applied on top, so
     * what this app configures always holds and drift never blocks an upgrade.
     * https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAddon.html
     */
    private void pin(final CfnAddon addon, final String name) {
        addon.setAddonVersion(versions.of(name));
        addon.setResolveConflicts("OVERWRITE");
    }
}
