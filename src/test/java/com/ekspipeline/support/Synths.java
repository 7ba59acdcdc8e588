package com.ekspipeline.support;

import com.ekspipeline.Deployment;
import com.ekspipeline.config.AppConfig;
import com.ekspipeline.cost.CostEstimate;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Apps shared by every test class in the run (Surefire runs them in one JVM): one app per context, the
 * named configurations of {@link TestContext#CONFIGURATIONS} (the default app, everything on, ...) and each
 * variant a test builds with {@link TestContext#with}. Building an app costs a second or more of jsii calls;
 * the tests only read what it made (a check that adds to an app, as cdk-nag does, builds its own).
 */
public final class Synths {

    private static final Map<Map<String, Object>, Deployment> APPS = new HashMap<>();
    private static final Map<Map<String, Object>, CostEstimate> ESTIMATES = new HashMap<>();
    private static final Map<String, Map<String, Map<String, Map<String, Object>>>> RESOURCES = new HashMap<>();
    private static final Map<String, Map<String, Map<String, Object>>> TEMPLATES = new HashMap<>();

    private Synths() {
    }

    /** The app as cdk.json configures it. */
    public static Deployment defaults() {
        return named("default");
    }

    /** The configuration the default app is built from. */
    public static AppConfig defaultConfig() {
        return TestContext.defaults().load();
    }

    /** The app of the configuration {@code name} in {@link TestContext#CONFIGURATIONS}. */
    public static Deployment named(final String name) {
        return of(TestContext.named(name));
    }

    /** Each stack's resources, by stack ID, of the app with every optional part on. */
    public static Map<String, Map<String, Map<String, Object>>> everythingOn() {
        return resources("everything-on");
    }

    /** Each stack's resources, by stack ID, of the configuration {@code name}. */
    public static synchronized Map<String, Map<String, Map<String, Object>>> resources(final String name) {
        return RESOURCES.computeIfAbsent(name, key -> {
            final Map<String, Map<String, Map<String, Object>>> stacks = new LinkedHashMap<>();
            for (final Stack stack : named(key).stacks()) {
                stacks.put(stack.getNode().getId(), Synthesized.resources(stack));
            }
            return Collections.unmodifiableMap(stacks);
        });
    }

    /**
     * The app of {@code context}, built the first time a test asks for it. All but the default's leave each asset
     * where it is instead of copying it into their assembly ({@link TestContext#unstaged()}): the kubectl and
     * Helm layers alone are 58 MB a synth, and what the tests read of the assets, they read from the default's
     * assembly. {@code UnstagedAssetsTest} proves the templates are the same either way.
     */
    static synchronized Deployment of(final TestContext context) {
        return APPS.computeIfAbsent(Map.copyOf(context.asMap()), key -> key.equals(TestContext.defaults().asMap())
                ? context.build() : context.unstaged().build());
    }

    /** The cost estimate of {@code context}'s app, taken after synth, as the entry point takes it. */
    static synchronized CostEstimate estimate(final TestContext context) {
        return ESTIMATES.computeIfAbsent(Map.copyOf(context.asMap()), key -> {
            final Deployment deployment = of(context);
            ((App) deployment.network().getNode().getScope()).synth();
            return context.estimate(deployment);
        });
    }

    /** Each stack's whole template (outputs too), by stack name, of the app with every optional part on. */
    public static synchronized Map<String, Map<String, Object>> everythingOnTemplates() {
        return TEMPLATES.computeIfAbsent("everything-on", key -> {
            final Map<String, Map<String, Object>> templates = new LinkedHashMap<>();
            for (final Stack stack : named(key).stacks()) {
                templates.put(stack.getStackName(), Synthesized.json(stack));
            }
            return Collections.unmodifiableMap(templates);
        });
    }
}
