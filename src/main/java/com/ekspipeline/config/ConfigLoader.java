package com.ekspipeline.config;

import com.ekspipeline.catalog.PriceTable;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns raw CDK context into one validated {@link AppConfig}, or a {@link ConfigException} listing every
 * problem. It only orders the sections; each section's keys and rules live in its own class.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * @param context        CDK context: cdk.json's {@code context} block with {@code -c} overrides applied
     * @param defaultAccount the account of the CLI's credentials, if any; used when {@code account} is unset
     * @param today          the day synth runs, for the Kubernetes version lifecycle
     */
    public static AppConfig load(final Map<String, ?> context, final Optional<String> defaultAccount,
                                 final LocalDate today) {
        return load(context, defaultAccount, today, Path.of(""));
    }

    /** As {@link #load(Map, Optional, LocalDate)}, with the kubectl layers looked up under {@code projectRoot}. */
    public static AppConfig load(final Map<String, ?> context, final Optional<String> defaultAccount,
                                 final LocalDate today, final Path projectRoot) {
        return read(new ContextReader(context), defaultAccount, today, projectRoot);
    }

    /** The top-level keys the rules read for {@code context}, valid or not: {@link ConfigKeys} lists each. */
    static Set<String> keysRead(final Map<String, ?> context, final LocalDate today) {
        final ContextReader s = new ContextReader(context);
        try {
            read(s, Optional.empty(), today, Path.of(""));
        } catch (ConfigException expected) {
            // the keys were read all the same
        }
        return s.keysRead();
    }

    private static AppConfig read(final ContextReader s, final Optional<String> defaultAccount, final LocalDate today,
                                  final Path projectRoot) {
        final PriceTable prices = PriceTable.load();
        final String appName = AppRules.appName(s);
        final String region = AppRules.region(s, prices);
        final Optional<String> account = AppRules.account(s, defaultAccount);
        final List<String> zones = AppRules.availabilityZones(s, region);
        final int retention = AppRules.logRetentionDays(s);
        final NetworkConfig network = NetworkRules.read(s, zones);
        final ObservabilityConfig observability = ObservabilityRules.read(s);
        final ClusterConfig cluster = ClusterRules.read(s, appName, region, today, prices, observability.enabled(),
                projectRoot);
        ZonalGroups.check(s, cluster.nodeGroups(), zones);
        final PipelineConfig pipeline = PipelineRules.read(s);
        final BillingConfig billing = BillingRules.read(s);
        network.existing().ifPresent(vpc -> VpcCapacityRules.check(s, vpc, zones, cluster.nodeGroups()));
        final List<StageTarget> stages = StageRules.read(s, new StageRules.Defaults(appName, region, account, zones,
                cluster, today, prices, observability.enabled(), projectRoot));
        UnknownKeys.reject(s, ConfigKeys.names());
        if (!s.errors().isEmpty()) {
            throw new ConfigException(s.errors());
        }
        return new AppConfig(appName, region, account, zones, retention, today, network, cluster, pipeline, billing,
                observability, stages);
    }
}
