package com.ekspipeline;

import com.ekspipeline.cluster.ClusterStack;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.core.AppTag;
import com.ekspipeline.core.LogGroupsAspect;
import com.ekspipeline.network.NetworkStack;
import com.ekspipeline.pipeline.PipelineStack;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Tags;

/**
 * The stacks of one deployment, wired together. The entry point and the tests both build the app here,
 * so what is tested is what is deployed.
 */
public record Deployment(NetworkStack network, ClusterStack cluster, PipelineStack pipeline) {

    public static Deployment create(final App app, final AppConfig config) {
        Tags.of(app).add(AppTag.KEY, config.appName());
        Aspects.of(app).add(new LogGroupsAspect(config.logRetentionDays()));
        final NetworkStack network = new NetworkStack(app, "Network", config);
        final ClusterStack cluster = new ClusterStack(app, "Cluster", config, network.getVpc());
        final PipelineStack pipeline = new PipelineStack(app, "Pipeline", config, network.getVpc(), cluster.getCluster());
        return new Deployment(network, cluster, pipeline);
    }
}
