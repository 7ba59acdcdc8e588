package com.ekspipeline.cluster;

import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.services.eks.CfnAddon;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.eks_v2.IAddon;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The EKS managed add-ons that lead the nodes, in the cluster stack: the VPC CNI, kube-proxy and the Pod
 * Identity agent, without which no node becomes Ready, and the lookup of every add-on's version. The
 * add-ons that run on nodes follow them in the nodes stack ({@link NodeAddons}).
 *
 * <p>The cluster is created without the self-managed defaults, so every add-on is an EKS managed add-on
 * and none fights an unmanaged copy. EKS does not update a managed add-on by itself: each carries the
 * version AWS marks default for the cluster's Kubernetes version ({@link AddonVersions}), so raising
 * kubernetesVersion updates these with the control plane, and the others after the node groups roll.
 */
public final class ClusterAddons extends Construct {

    /** Every add-on the app installs, as EKS names it; the pod identity agent comes with the cluster. */
    static final List<String> NAMES = List.of("vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns",
            "aws-ebs-csi-driver", "metrics-server");

    private final AddonVersions versions;

    public ClusterAddons(final Construct scope, final String id, final ClusterInfo info, final boolean observability) {
        super(scope, id);
        versions = new AddonVersions(this, "Versions", info, observability
                ? Stream.concat(NAMES.stream(), Stream.of(ContainerInsights.ADDON)).toList()
                : NAMES);
        // Network policies are enforced by the VPC CNI itself (eBPF), no extra controller needed.
        final Addon vpcCni = addon(this, "VpcCni", info, versions, "vpc-cni", Map.of("enableNetworkPolicy", "true"));
        final Addon kubeProxy = addon(this, "KubeProxy", info, versions, "kube-proxy", Map.of());
        // The cluster creates this add-on once, shared with every Pod Identity service account.
        final IAddon podIdentityAgent = info.cluster().getEksPodIdentityAgent();
        pin((CfnAddon) podIdentityAgent.getNode().getDefaultChild(), versions, "eks-pod-identity-agent");

        List.of(vpcCni, kubeProxy, podIdentityAgent).forEach(info.order()::nodesNeed);
        List.of(vpcCni, kubeProxy, podIdentityAgent).forEach(info.order()::outlivesNamespaces);
    }

    /** The versions looked up at deploy time, which the add-ons in the nodes stack use too. */
    AddonVersions versions() {
        return versions;
    }

    /** A managed add-on at the looked-up version; {@code values} is its configuration, if any. */
    static Addon addon(final Construct scope, final String id, final ClusterInfo info, final AddonVersions versions,
                       final String name, final Map<String, Object> values) {
        final Addon.Builder builder = Addon.Builder.create(scope, id).cluster(info.cluster()).addonName(name)
                .addonVersion(versions.of(name));
        if (!values.isEmpty()) {
            builder.configurationValues(SortedJson.of(values));
        }
        final Addon addon = builder.build();
        pin((CfnAddon) addon.getNode().getDefaultChild(), versions, name);
        return addon;
    }

    /**
     * The looked-up version, and how an update meets settings changed outside CloudFormation: OVERWRITE
     * puts EKS's defaults back over them, with the configuration values set here applied on top, so
     * what this app configures always holds and drift never blocks an upgrade.
     * https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAddon.html
     */
    private static void pin(final CfnAddon addon, final AddonVersions versions, final String name) {
        addon.setAddonVersion(versions.of(name));
        addon.setResolveConflicts("OVERWRITE");
    }
}
