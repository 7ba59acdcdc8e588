package com.ekspipeline;

import com.ekspipeline.config.AppConfig;
import com.ekspipeline.config.ExistingVpc;
import com.ekspipeline.config.StageTarget;
import com.ekspipeline.core.AppTag;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import software.amazon.awscdk.Stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code cdk.out/project.json}: the configuration as synth resolved it (cdk.json, then {@code -c}
 * overrides) and the names the scripts need. The scripts read this file instead of {@code cdk.json},
 * so an override or a default applies to them exactly as to the stacks, and no script repeats the
 * naming rules that live here.
 */
final class ProjectFile {

    static final String NAME = "project.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ProjectFile() {
    }

    /** @param context the context synth ran with; CDK's own keys ({@code @...}, {@code aws:...}) are left out */
    static String json(final AppConfig config, final Deployment deployment, final Map<String, ?> context) {
        final Map<String, Object> project = new LinkedHashMap<>();
        project.put("appName", config.appName());
        project.put("region", config.region());
        config.account().ifPresent(account -> project.put("account", account));
        project.put("clusterName", config.cluster().clusterName());
        project.put("kubernetesVersion", config.cluster().kubernetesVersion().version());
        project.put("tag", new TreeMap<>(Map.of("key", AppTag.KEY, "value", config.appName())));
        project.put("stacks", deployment.stacks().stream().map(stack -> stack(stack, config, deployment)).toList());
        project.put("pipeline", new TreeMap<>(Map.of(
                "name", config.appName(),
                "stack", deployment.pipeline().getStackName(),
                "sourceObjectKey", config.pipeline().sourceObjectKey())));
        // Where AWS would write logs of the app's functions and projects, and EKS its control plane's.
        // Container Insights' groups are listed whether or not observability is on now: it may have been.
        project.put("logGroupPrefixes", List.of("/aws/eks/" + config.cluster().clusterName() + "/",
                "/aws/containerinsights/" + config.cluster().clusterName() + "/",
                "/aws/codebuild/" + config.appName() + "-", "/aws/lambda/" + config.appName() + "-"));
        // An existing VPC is someone else's: the scripts look only at what the app made inside it, and at
        // the subnet tags it may have added (vpc.tagSubnets).
        config.network().existing().ifPresent(vpc -> project.put("existingVpc", new TreeMap<>(Map.of(
                "id", vpc.id(),
                "subnets", Stream.concat(vpc.privateSubnets().stream(), vpc.publicSubnets().stream())
                        .map(ExistingVpc.Subnet::id).toList(),
                "tagSubnets", vpc.tagSubnets()))));
        if (!config.stages().isEmpty()) {
            project.put("targets", deployment.targets().stream().map(target -> target(target, config)).toList());
        }
        final Map<String, Object> settings = new TreeMap<>();
        context.forEach((key, value) -> {
            if (!key.startsWith("@") && !key.contains(":")) {
                settings.put(key, value);
            }
        });
        project.put("context", settings);
        try {
            return JSON.writeValueAsString(project) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void write(final Path assembly, final String json) {
        try {
            Files.writeString(assembly.resolve(NAME), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + assembly.resolve(NAME), e);
        }
    }

    /**
     * A stack's construct ID and name; with {@code stages}, also where it goes: its account when the
     * configuration names one (else the deploying credentials' account) and its region. The default's
     * stacks all go to the top-level {@code account} and {@code region}, and their entries stay as they were.
     */
    private static Map<String, String> stack(final Stack stack, final AppConfig config, final Deployment deployment) {
        // Sorted like every other object here, so the file is the same from one synth to the next.
        final Map<String, String> entry = new TreeMap<>(Map.of("id", stack.getNode().getId(),
                "name", stack.getStackName()));
        if (!config.stages().isEmpty()) {
            final Optional<StageTarget> stage = deployment.targets().stream()
                    .filter(target -> target.stacks().contains(stack))
                    .findFirst().flatMap(Deployment.Target::stage);
            stage.flatMap(StageTarget::account).or(config::account)
                    .ifPresent(account -> entry.put("account", account));
            entry.put("region", stage.map(StageTarget::region).orElse(config.region()));
        }
        return entry;
    }

    /**
     * One stage's cluster as the scripts look for it: where it is, its stacks (in deployment order) and where
     * AWS writes the logs of its control plane, Container Insights and functions (named after its stacks).
     */
    private static Map<String, Object> target(final Deployment.Target target, final AppConfig config) {
        final StageTarget stage = target.stage().orElseThrow();
        final String cluster = stage.cluster().clusterName();
        final Map<String, Object> entry = new TreeMap<>();
        entry.put("stage", stage.stage());
        stage.account().or(config::account).ifPresent(account -> entry.put("account", account));
        entry.put("region", stage.region());
        entry.put("availabilityZones", stage.availabilityZones());
        entry.put("clusterName", cluster);
        entry.put("kubernetesVersion", stage.cluster().kubernetesVersion().version());
        entry.put("stacks", target.stacks().stream().map(stack -> new TreeMap<>(Map.of("id", stack.getNode().getId(),
                "name", stack.getStackName()))).toList());
        entry.put("logGroupPrefixes", List.of("/aws/eks/" + cluster + "/", "/aws/containerinsights/" + cluster + "/",
                "/aws/lambda/" + StageTarget.name(config.appName(), stage.stage()) + "-"));
        return entry;
    }
}
