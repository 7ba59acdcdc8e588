package com.ekspipeline;

import com.ekspipeline.budget.MonthlyBudget;
import com.ekspipeline.catalog.PriceTable;
import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.cluster.ClusterStack;
import com.ekspipeline.cluster.NodesStack;
import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.StageTarget;
import com.ekspipeline.core.AppTag;
import com.ekspipeline.core.LogGroupsAspect;
import com.ekspipeline.cost.CostEstimate;
import com.ekspipeline.cost.SplitEstimate;
import com.ekspipeline.network.NetworkStack;
import com.ekspipeline.pipeline.PipelineStack;
import com.ekspipeline.pipeline.StageAccessStack;
import com.ekspipeline.pipeline.StageCluster;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The stacks of one deployment, wired together. The entry point and the tests both build the app here,
 * so what is tested is what is deployed. The stack IDs are named here only; the scripts read them from
 * {@code cdk.out/project.json}.
 *
 * <p>A deployment is a list of targets, each a network, a cluster and its nodes, and one pipeline. The
 * default has one target holding both stage namespaces, with the stack IDs it always had. With
 * {@code stages}, each stage is a target of its own ({@code StagingNetwork}, ..., named
 * {@code <appName>-<stage>-network}, ...), in the stage's account and region, with the stack in it that
 * lets that stage's deploy in; the pipeline stays in the app's own account.
 *
 * @param targets  in deployment order: staging's before production's
 * @param pipeline the delivery pipeline, deployed last
 */
public record Deployment(List<Target> targets, PipelineStack pipeline) {

    /**
     * One cluster and what it stands on.
     *
     * @param stage   the stage alone on this cluster; empty: both stages share it (the default)
     * @param access  the role and access entry the delivery account's deploy of that stage uses; with a stage only
     */
    public record Target(Optional<StageTarget> stage, NetworkStack network, ClusterStack cluster, NodesStack nodes,
                         Optional<StageAccessStack> access) {

        List<Stack> stacks() {
            return Stream.concat(Stream.of(network, cluster, nodes), access.stream()).map(Stack.class::cast).toList();
        }
    }

    public Deployment {
        targets = List.copyOf(targets);
    }

    /** The first target's network: the default's only one, or staging's. */
    public NetworkStack network() {
        return targets.get(0).network();
    }

    public ClusterStack cluster() {
        return targets.get(0).cluster();
    }

    public NodesStack nodes() {
        return targets.get(0).nodes();
    }

    /** In deployment order: each stack uses what the one before it made; {@code cdk destroy} goes in reverse. */
    public List<Stack> stacks() {
        final List<Stack> stacks = new ArrayList<>();
        targets.forEach(target -> stacks.addAll(target.stacks()));
        stacks.add(pipeline);
        return List.copyOf(stacks);
    }

    /**
     * What the deployment costs: the default's one estimate; with {@code stages}, each stage's cluster, network and
     * share of the sample service priced in its own region, then the pipeline's part, with a subtotal each.
     */
    public CostEstimate estimate(final AppConfig config, final PriceTable prices, final SampleWorkload workload) {
        if (targets.get(0).stage().isEmpty()) {
            return CostEstimate.of(config, pipeline.getNode().getScope(), prices, workload);
        }
        final List<SplitEstimate.Part> parts = targets.stream().map(target -> {
            final StageTarget stage = target.stage().orElseThrow();
            return new SplitEstimate.Part(stage.stage(), stage.account().or(config::account), config.target(stage),
                    target.stacks(), workload.only(stage.stage()));
        }).toList();
        return SplitEstimate.of(config, parts, List.of(pipeline), prices);
    }

    public static Deployment create(final App app, final AppConfig config) {
        Tags.of(app).add(AppTag.KEY, config.appName());
        Aspects.of(app).add(new LogGroupsAspect(config.logRetentionDays()));
        if (config.stages().isEmpty()) {
            final Target shared = target(app, "", config, Optional.empty(), Optional.of(config.appName()));
            final PipelineStack pipeline = new PipelineStack(app, "Pipeline", config, shared.network().getVpc(),
                    shared.cluster().getCluster());
            pipeline.addStackDependency(shared.nodes(), "releases run on the nodes, in the stage namespaces");
            return new Deployment(List.of(shared), pipeline);
        }
        final List<Target> targets = new ArrayList<>();
        final List<StageCluster> clusters = new ArrayList<>();
        // One budget per account, in the first stack deployed there; the delivery account's in the pipeline
        // when no stage runs there. "" is the delivery account when the configuration does not name it.
        final Set<String> budgeted = new HashSet<>();
        for (final StageTarget stage : config.stages()) {
            final String prefix = Character.toUpperCase(stage.stage().charAt(0)) + stage.stage().substring(1);
            final AppConfig own = config.target(stage);
            final Optional<String> budgetOf = budgeted.add(stage.account().or(config::account).orElse(""))
                    ? Optional.of(config.appName()) : Optional.empty();
            final Target target = target(app, prefix, own, Optional.of(stage), budgetOf);
            final StageCluster cluster = StageCluster.of(config, stage, target.network().getVpc());
            final StageAccessStack access = new StageAccessStack(app, prefix + "DeployAccess", own, cluster,
                    target.cluster().getCluster());
            access.addStackDependency(target.nodes(), "the deploy's namespace is made in the nodes stack");
            // Staging first, production after it; a destroy goes the other way (pipeline, production, staging).
            if (!targets.isEmpty()) {
                target.network().addStackDependency(targets.get(targets.size() - 1).access().orElseThrow(),
                        "staging is deployed, and upgraded, before production");
            }
            targets.add(new Target(Optional.of(stage), target.network(), target.cluster(), target.nodes(),
                    Optional.of(access)));
            clusters.add(cluster);
        }
        final PipelineStack pipeline = PipelineStack.split(app, "Pipeline", config, clusters);
        if (!budgeted.contains(config.account().orElse(""))) {
            MonthlyBudget.orWarning(pipeline, config.appName(), config.billing());
        }
        targets.forEach(target -> pipeline.addStackDependency(target.access().orElseThrow(),
                "each stage's deploy assumes the role its account holds for it"));
        return new Deployment(targets, pipeline);
    }

    /** A network, a cluster and its nodes under IDs that start with {@code prefix} (none for the default). */
    private static Target target(final App app, final String prefix, final AppConfig config,
                                 final Optional<StageTarget> stage, final Optional<String> budgetOf) {
        final NetworkStack network = new NetworkStack(app, prefix + "Network", config, budgetOf);
        final ClusterStack cluster = new ClusterStack(app, prefix + "Cluster", config, network.getVpc());
        // Explicit: an existing VPC passes literals, not references, yet its preflight must run first.
        cluster.addDependency(network);
        // CDK cannot tag imported subnets for load balancers and warns; the VPC preflight checks the tags
        // instead, or adds them with vpc.tagSubnets.
        config.network().existing().ifPresent(vpc -> Annotations.of(cluster).acknowledgeWarning(
                "@aws-cdk/aws-eks:clusterMustManuallyTagSubnet", "the VPC preflight checks or adds the tags"));
        // A stage's own cluster holds its namespace only: its deploy can reach no other, and nothing of the
        // other stage is made there.
        final NodesStack nodes = new NodesStack(app, prefix + "Nodes", config, network.getVpc(), cluster,
                stage.map(s -> EnumSet.of(Stage.valueOf(s.stage().toUpperCase(Locale.ROOT))))
                        .orElseGet(() -> EnumSet.allOf(Stage.class)));
        return new Target(stage, network, cluster, nodes, Optional.empty());
    }
}
