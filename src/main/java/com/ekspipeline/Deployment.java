package com.ekspipeline;

import com.ekspipeline.cluster.ClusterStack;
import com.ekspipeline.cluster.NodesStack;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.core.AppTag;
import com.ekspipeline.core.LogGroupsAspect;
import com.ekspipeline.network.NetworkStack;
import com.ekspipeline.pipeline.PipelineStack;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;

import java.util.List;

/**
 * The stacks of one deployment, wired together. The entry point and the tests both build the app here,
 * so what is tested is what is deployed. The stack IDs are named here only; the scripts read them from
 * {@code cdk.out/project.json}.
 */
public record Deployment(NetworkStack network, ClusterStack cluster, NodesStack nodes, PipelineStack pipeline) {

    /** In deployment order: each stack uses what the one before it made; {@code cdk destroy} goes in reverse. */
    public List<Stack> stacks() {
        return List.of(network, cluster, nodes, pipeline);
    }

    public static Deployment create(final App app, final AppConfig config) {
        Tags.of(app).add(AppTag.KEY, config.appName());
        Aspects.of(app).add(new LogGroupsAspect(config.logRetentionDays()));
        final NetworkStack network = new NetworkStack(app, "Network", config);
        final ClusterStack cluster = new ClusterStack(app, "Cluster", config, network.getVpc());
        // Explicit: an existing VPC passes literals, not references, yet its preflight must run first.
        cluster.addDependency(network);
        // CDK cannot tag imported subnets for load balancers and warns; the VPC preflight checks the tags
        // instead, or adds them with vpc.tagSubnets.
        config.network().existing().ifPresent(vpc -> Annotations.of(cluster).acknowledgeWarning(
                "@aws-cdk/aws-eks:clusterMustManuallyTagSubnet", "the VPC preflight checks or adds the tags"));
        final NodesStack nodes = new NodesStack(app, "Nodes", config, network.getVpc(), cluster);
        final PipelineStack pipeline = new PipelineStack(app, "Pipeline", config, network.getVpc(), cluster.getCluster());
        pipeline.addStackDependency(nodes, "releases run on the nodes, in the stage namespaces");
        return new Deployment(network, cluster, nodes, pipeline);
    }
}
