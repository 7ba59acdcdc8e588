package com.ekspipeline.cluster;

import com.ekspipeline.core.Nag;
import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.IAddon;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.constructs.Construct;

import java.util.List;
import java.util.Map;

/**
 * The EKS managed add-ons. The cluster is created without the self-managed defaults, so every one of
 * these is an EKS managed add-on and none fights an unmanaged copy. EKS does not update a managed
 * add-on by itself: a new version is set here and applied by a deploy.
 *
 * <p>Order matters: nodes become Ready only with the VPC CNI and kube-proxy in place, while CoreDNS, the
 * EBS CSI driver and metrics-server need running nodes; and all of them must still run while the stage
 * namespaces are deleted. Each add-on declares that in the cluster's {@link ClusterOrder}.
 */
public final class ClusterAddons extends Construct {

    public ClusterAddons(final Construct scope, final String id, final ClusterInfo info) {
        super(scope, id);
        final Cluster cluster = info.cluster();
        // Network policies are enforced by the VPC CNI itself (eBPF), no extra controller needed.
        final Addon vpcCni = addon(cluster, "VpcCni", "vpc-cni", Map.of("enableNetworkPolicy", "true"));
        final Addon kubeProxy = addon(cluster, "KubeProxy", "kube-proxy", Map.of());
        // The cluster creates this add-on once, shared with every Pod Identity service account.
        final IAddon podIdentityAgent = cluster.getEksPodIdentityAgent();
        final Addon coreDns = addon(cluster, "CoreDns", "coredns", Map.of());

        final PodIdentityRole ebsIdentity = new PodIdentityRole(this, "EbsCsiDriverIdentity", cluster,
                "kube-system", "ebs-csi-controller-sa");
        ebsIdentity.getRole().addManagedPolicy(
                ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonEBSCSIDriverPolicy"));
        final Addon ebsCsiDriver = addon(cluster, "EbsCsiDriver", "aws-ebs-csi-driver", Map.of());
        ebsCsiDriver.getNode().addDependency(ebsIdentity);

        // The Horizontal Pod Autoscaler reads pod CPU and memory from metrics-server.
        final Addon metricsServer = addon(cluster, "MetricsServer", "metrics-server", Map.of());

        List.of(vpcCni, kubeProxy, podIdentityAgent).forEach(info.order()::nodesNeed);
        List.of(coreDns, ebsCsiDriver, metricsServer).forEach(info.order()::runsOnNodes);
        List.of(vpcCni, kubeProxy, podIdentityAgent, coreDns, ebsCsiDriver, metricsServer)
                .forEach(info.order()::outlivesNamespaces);
        Nag.suppress(this, "AwsSolutions-IAM4", "The EBS CSI driver add-on's documented policy; it creates "
                + "and attaches volumes only for the cluster's claims.",
                Nag.managedPolicy("service-role/AmazonEBSCSIDriverPolicy"));
    }

    private Addon addon(final Cluster cluster, final String id, final String name, final Map<String, Object> values) {
        final Addon.Builder builder = Addon.Builder.create(this, id).cluster(cluster).addonName(name);
        if (!values.isEmpty()) {
            builder.configurationValues(SortedJson.of(values));
        }
        return builder.build();
    }
}
