package com.ekspipeline.cluster;

import com.ekspipeline.core.SortedJson;
import software.amazon.awscdk.services.eks_v2.Addon;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.eks_v2.IAddon;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.util.List;
import java.util.Map;

/**
 * The EKS managed add-ons. The cluster is created without the self-managed defaults, so EKS owns and
 * updates every one of these, and none fights an unmanaged copy.
 *
 * <p>Order matters: nodes become Ready only with the VPC CNI and kube-proxy in place, while CoreDNS, the
 * EBS CSI driver and metrics-server need running nodes. {@link #orderAround} wires that.
 */
public final class ClusterAddons extends Construct {

    private final Addon vpcCni;
    private final Addon kubeProxy;
    private final IAddon podIdentityAgent;
    private final Addon coreDns;
    private final Addon ebsCsiDriver;
    private final Addon metricsServer;

    public ClusterAddons(final Construct scope, final String id, final Cluster cluster) {
        super(scope, id);
        // Network policies are enforced by the VPC CNI itself (eBPF), no extra controller needed.
        vpcCni = addon(cluster, "VpcCni", "vpc-cni", Map.of("enableNetworkPolicy", "true"));
        kubeProxy = addon(cluster, "KubeProxy", "kube-proxy", Map.of());
        // The cluster creates this add-on once, shared with every Pod Identity service account.
        podIdentityAgent = cluster.getEksPodIdentityAgent();
        coreDns = addon(cluster, "CoreDns", "coredns", Map.of());

        final PodIdentityRole ebsIdentity = new PodIdentityRole(this, "EbsCsiDriverIdentity", cluster,
                "kube-system", "ebs-csi-controller-sa");
        ebsIdentity.getRole().addManagedPolicy(
                ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonEBSCSIDriverPolicy"));
        ebsCsiDriver = addon(cluster, "EbsCsiDriver", "aws-ebs-csi-driver", Map.of());
        ebsCsiDriver.getNode().addDependency(ebsIdentity);

        // The Horizontal Pod Autoscaler reads pod CPU and memory from metrics-server.
        metricsServer = addon(cluster, "MetricsServer", "metrics-server", Map.of());
    }

    private Addon addon(final Cluster cluster, final String id, final String name, final Map<String, Object> values) {
        final Addon.Builder builder = Addon.Builder.create(this, id).cluster(cluster).addonName(name);
        if (!values.isEmpty()) {
            builder.configurationValues(SortedJson.of(values));
        }
        return builder.build();
    }

    /** Nodes wait for the networking add-ons; the add-ons that schedule pods wait for nodes. */
    public void orderAround(final List<? extends IConstruct> nodeGroups) {
        for (IConstruct nodes : nodeGroups) {
            nodes.getNode().addDependency(vpcCni, kubeProxy, podIdentityAgent);
            coreDns.getNode().addDependency(nodes);
            ebsCsiDriver.getNode().addDependency(nodes);
            metricsServer.getNode().addDependency(nodes);
        }
    }

    /** Every add-on, for constructs that must be deleted while all of them still run. */
    public List<IConstruct> all() {
        return List.of(vpcCni, kubeProxy, podIdentityAgent, coreDns, ebsCsiDriver, metricsServer);
    }
}
