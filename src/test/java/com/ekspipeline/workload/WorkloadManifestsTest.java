package com.ekspipeline.workload;

import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.cluster.DefaultStorageClass;
import com.ekspipeline.cluster.Stage;
import com.ekspipeline.cluster.StageNamespaces;
import com.ekspipeline.support.KubernetesSchema;
import com.ekspipeline.support.Kustomize;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static com.ekspipeline.support.Overlays.at;
import static com.ekspipeline.support.Overlays.only;
import static com.ekspipeline.support.Overlays.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample service's manifests as the pipeline applies them: each overlay rendered by kustomize,
 * every object validated against the Kubernetes API schema of the cluster's version, then checked for
 * what the cluster expects of it (namespace, security, probes, quotas).
 */
class WorkloadManifestsTest {

    /** Kubernetes Java client major version → the Kubernetes version its models were generated from. */
    private static final Map<String, String> SCHEMA_CLIENT_FOR_KUBERNETES = Map.of("1.36", "27");

    @Test
    void theCostEstimateAndTheCapacityModelCountWhatTheOverlaysCreate() {
        int loadBalancers = 0;
        final Map<Stage, Map<String, Object>> hpa = new EnumMap<>(Stage.class);
        final Map<Stage, Map<String, Object>> requests = new EnumMap<>(Stage.class);
        final Set<String> claimSizes = new TreeSet<>();
        for (Stage stage : Stage.values()) {
            final List<Map<String, Object>> objects = render(stage);
            loadBalancers += (int) objects.stream()
                    .filter(o -> "Service".equals(o.get("kind")) && "LoadBalancer".equals(at(o, "spec.type"))).count();
            hpa.put(stage, at(only(objects, "HorizontalPodAutoscaler", "hello"), "spec"));
            final Map<String, Object> statefulSet = only(objects, "StatefulSet", "hello");
            requests.put(stage, at(statefulSet, "spec.template.spec.containers.0.resources.requests"));
            final List<Map<String, Object>> claims = at(statefulSet, "spec.volumeClaimTemplates");
            claims.forEach(claim -> claimSizes.add(at(claim, "spec.resources.requests.storage")));
        }
        assertEquals(Set.of(SampleWorkload.RELEASED.claimGiBPerReplica() + "Gi"), claimSizes);
        assertEquals(SampleWorkload.RELEASED, new SampleWorkload(loadBalancers,
                SampleWorkload.RELEASED.claimGiBPerReplica(),
                (int) hpa.get(Stage.STAGING).get("minReplicas"), (int) hpa.get(Stage.PRODUCTION).get("minReplicas"),
                (int) hpa.get(Stage.STAGING).get("maxReplicas"), (int) hpa.get(Stage.PRODUCTION).get("maxReplicas"),
                millis(requests.get(Stage.STAGING).get("cpu")), mebibytes(requests.get(Stage.STAGING).get("memory")),
                millis(requests.get(Stage.PRODUCTION).get("cpu")), mebibytes(requests.get(Stage.PRODUCTION).get("memory"))));
    }

    /** A CPU quantity such as 250m or 1, in millicores. */
    private static int millis(final Object quantity) {
        final String q = String.valueOf(quantity);
        return q.endsWith("m") ? Integer.parseInt(q.substring(0, q.length() - 1)) : Integer.parseInt(q) * 1000;
    }

    /** A memory quantity such as 256Mi or 1Gi, in MiB. */
    private static int mebibytes(final Object quantity) {
        final String q = String.valueOf(quantity);
        return q.endsWith("Gi") ? Integer.parseInt(q.substring(0, q.length() - 2)) * 1024
                : Integer.parseInt(q.substring(0, q.length() - 2));
    }

    @Test
    void schemaMatchesTheClusterVersion() {
        final String kubernetesVersion = TestContext.defaults().load().cluster().kubernetesVersion().version();
        final String clientMajor = KubernetesSchema.clientVersion().split("\\.")[0];
        assertEquals(SCHEMA_CLIENT_FOR_KUBERNETES.get(kubernetesVersion), clientMajor,
                "the manifests are validated with the Kubernetes client " + KubernetesSchema.clientVersion()
                        + " but the cluster runs " + kubernetesVersion
                        + "; set kubernetes-schema.version in pom.xml to the client generated from it");
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void everyRenderedObjectIsValidAgainstTheApiSchema(final Stage stage) {
        final List<Map<String, Object>> objects = render(stage);
        assertEquals(8, objects.size(), "five objects of the service and three network policies");
        final List<String> problems = objects.stream().flatMap(o -> KubernetesSchema.problems(o).stream()).toList();
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void everyObjectLandsInItsStageNamespaceAndNoneIsANamespace(final Stage stage) {
        final List<Map<String, Object>> objects = render(stage);
        assertEquals(Set.of("Service", "StatefulSet", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"),
                objects.stream().map(o -> (String) o.get("kind")).collect(Collectors.toSet()));
        objects.forEach(o -> assertEquals(stage.namespace(), (String) at(o, "metadata.namespace"), o.get("kind") + " namespace"));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void podsPassTheRestrictedPodSecurityStandard(final Stage stage) {
        final Map<String, Object> pod = at(only(render(stage), "StatefulSet", "hello"), "spec.template.spec");
        assertEquals(Boolean.TRUE, at(pod, "securityContext.runAsNonRoot"));
        assertEquals("RuntimeDefault", at(pod, "securityContext.seccompProfile.type"));
        assertEquals(Boolean.FALSE, at(pod, "automountServiceAccountToken"));
        final List<Map<String, Object>> containers = at(pod, "containers");
        assertEquals(1, containers.size());
        final Map<String, Object> container = containers.get(0);
        assertEquals(Boolean.FALSE, at(container, "securityContext.allowPrivilegeEscalation"));
        assertEquals(Boolean.TRUE, at(container, "securityContext.readOnlyRootFilesystem"));
        assertEquals(List.of("ALL"), at(container, "securityContext.capabilities.drop"));
        assertEquals("hello", container.get("image"), "the name the deploy step replaces with the built image");
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void podsHaveProbesResourcesAndSpreadAcrossZones(final Stage stage) {
        final Map<String, Object> pod = at(only(render(stage), "StatefulSet", "hello"), "spec.template.spec");
        final Map<String, Object> container = at(pod, "containers.0");
        assertEquals("/readyz", at(container, "readinessProbe.httpGet.path"));
        assertEquals("/healthz", at(container, "livenessProbe.httpGet.path"));
        for (final String resource : List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
            assertTrue(at(container, "resources." + resource) != null, resource);
        }
        final List<Map<String, Object>> spread = at(pod, "topologySpreadConstraints");
        assertTrue(spread.stream().anyMatch(c -> "topology.kubernetes.io/zone".equals(c.get("topologyKey"))));
        final int grace = at(pod, "terminationGracePeriodSeconds");
        final int drain = Integer.parseInt(env(container, "DRAIN_SECONDS"));
        final int inFlight = Integer.parseInt(env(container, "GRACE_SECONDS"));
        assertTrue(grace > drain + inFlight, "the kubelet waits longer than the service drains");
        assertEquals(serviceDefault("DRAIN_SECONDS"), drain, "the manifest and the service agree on the drain");
        assertEquals(serviceDefault("GRACE_SECONDS"), inFlight, "the manifest and the service agree on the grace");
    }

    /** The default the sample service itself falls back to, read from its Settings source. */
    private static int serviceDefault(final String variable) {
        try {
            final String source = Files.readString(Path.of("app/src/main/java/com/ekspipeline/hello/Settings.java"));
            final Matcher m = Pattern.compile("\"" + variable + "\", (\\d+),").matcher(source);
            assertTrue(m.find(), variable + " has no default in the service's Settings");
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String env(final Map<String, Object> container, final String name) {
        final List<Map<String, Object>> env = at(container, "env");
        return env.stream().filter(e -> name.equals(e.get("name"))).map(e -> (String) e.get("value"))
                .findFirst().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void serviceIsAnInternetFacingNlbToPodIps(final Stage stage) {
        final Map<String, Object> service = only(render(stage), "Service", "hello");
        assertEquals("LoadBalancer", at(service, "spec.type"));
        final Map<String, String> annotations = at(service, "metadata.annotations");
        assertEquals("external", annotations.get("service.beta.kubernetes.io/aws-load-balancer-type"));
        assertEquals("internet-facing", annotations.get("service.beta.kubernetes.io/aws-load-balancer-scheme"));
        assertEquals("ip", annotations.get("service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void autoscalingAndStorageFitTheStageQuota(final Stage stage) {
        final List<Map<String, Object>> objects = render(stage);
        final Map<String, Object> hpa = only(objects, "HorizontalPodAutoscaler", "hello");
        final Map<String, Object> statefulSet = only(objects, "StatefulSet", "hello");
        assertEquals("StatefulSet", at(hpa, "spec.scaleTargetRef.kind"));
        assertEquals("hello", at(hpa, "spec.scaleTargetRef.name"));
        assertEquals(null, (Object) at(statefulSet, "spec.replicas"), "the HPA owns the replica count");

        final int max = at(hpa, "spec.maxReplicas");
        final StageNamespaces.Quota quota = StageNamespaces.quota(stage);
        final Map<String, Object> container = at(statefulSet, "spec.template.spec.containers.0");
        assertTrue(max * cpu(at(container, "resources.limits.cpu")) <= cpu(quota.limitsCpu()), "CPU limits");
        assertTrue(max * cpu(at(container, "resources.requests.cpu")) <= cpu(quota.requestsCpu()), "CPU requests");
        assertTrue(max * mebibytes(at(container, "resources.limits.memory")) <= mebibytes(quota.limitsMemory()),
                "memory limits");
        assertTrue(max <= quota.claims(), "one claim per replica");

        final Map<String, Object> claim = at(statefulSet, "spec.volumeClaimTemplates.0");
        assertEquals(DefaultStorageClass.NAME, at(claim, "spec.storageClassName"));
        assertTrue(max * mebibytes(at(claim, "spec.resources.requests.storage")) <= mebibytes(quota.storage()));
        assertEquals("Delete", at(statefulSet, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted"));
    }

    @Test
    void productionHasMoreRoomThanStaging() {
        final Map<String, Object> staging = only(render(Stage.STAGING), "HorizontalPodAutoscaler", "hello");
        final Map<String, Object> production = only(render(Stage.PRODUCTION), "HorizontalPodAutoscaler", "hello");
        assertTrue((int) at(production, "spec.minReplicas") > (int) at(staging, "spec.minReplicas"));
        assertTrue((int) at(production, "spec.maxReplicas") > (int) at(staging, "spec.maxReplicas"));
        final String stagingCpu = at(only(render(Stage.STAGING), "StatefulSet", "hello"),
                "spec.template.spec.containers.0.resources.requests.cpu");
        final String productionCpu = at(only(render(Stage.PRODUCTION), "StatefulSet", "hello"),
                "spec.template.spec.containers.0.resources.requests.cpu");
        assertTrue(cpu(productionCpu) > cpu(stagingCpu));
    }

    @Test
    void theSchemaRefusesAMisspelledField() throws IOException {
        final Map<String, Object> broken = Kustomize.parse("""
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: hello}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: hello}
                  minReplica: 2
                  maxReplicas: 4
                """).get(0);
        final List<String> problems = KubernetesSchema.problems(broken);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("HorizontalPodAutoscaler/hello: The field `minReplica`"), problems.get(0));
    }

    @Test
    void theSchemaRefusesAMissingRequiredFieldAndAnUnknownKind() throws IOException {
        final List<Map<String, Object>> broken = Kustomize.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: hello}
                spec:
                  ports:
                    - name: http
                ---
                apiVersion: apps/v1
                kind: Deploymnet
                metadata: {name: hello}
                """);
        final List<String> service = KubernetesSchema.problems(broken.get(0));
        assertEquals(1, service.size(), service.toString());
        assertTrue(service.get(0).contains("`port`"), service.get(0));
        assertEquals(List.of("Deploymnet/hello: the Kubernetes API has no Deploymnet in apps/v1"),
                KubernetesSchema.problems(broken.get(1)));
    }

    @Test
    void aBrokenKustomizationFailsToRender() {
        final IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> Kustomize.render(Path.of("k8s", "overlays", "missing")));
        assertTrue(error.getMessage().startsWith("kubectl kustomize k8s/overlays/missing failed"), error.getMessage());
    }

    private static double cpu(final String quantity) {
        return quantity.endsWith("m") ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
                : Double.parseDouble(quantity);
    }

    private static long mebibytes(final String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
        }
        if (quantity.endsWith("Mi")) {
            return Long.parseLong(quantity.substring(0, quantity.length() - 2));
        }
        throw new IllegalArgumentException("a quantity in Mi or Gi: " + quantity);
    }
}
