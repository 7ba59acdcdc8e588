package com.ekspipeline.workload;

import com.ekspipeline.catalog.SampleWorkload;
import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.PipelineConfig;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.ekspipeline.support.Overlays.at;
import static com.ekspipeline.support.Overlays.only;
import static com.ekspipeline.support.Overlays.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A release, or a rollback, never leaves the NLB without a healthy target: the stage namespaces get the
 * controller's pod readiness gate (so a new pod is Ready only once the NLB sees it healthy), and a stopping
 * pod keeps serving for longer than the NLB keeps sending to it. The rollout wait the config allows is
 * sized from the same figures.
 */
class ReleaseWithoutOutageTest {

    private static final String GATE = "elbv2.k8s.aws/pod-readiness-gate-inject";

    @Test
    void theStageNamespacesAskTheControllerForReadinessGatesAndComeAfterIt() {
        final Template cluster = Synthesized.template(Synths.defaults().nodes());
        final String controller = Resources.ofType(cluster, "Custom::AWSCDK-EKS-HelmChart").entrySet().stream()
                .filter(e -> "aws-load-balancer-controller".equals(Resources.properties(e.getValue()).get("Chart")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        for (final Stage stage : Stage.values()) {
            final Map<String, Object> namespace = Resources.ofType(cluster, "Custom::AWSCDK-EKS-KubernetesResource")
                    .entrySet().stream().filter(e -> e.getKey().contains(stage.title() + "Namespace"))
                    .map(Map.Entry::getValue).findFirst().orElseThrow();
            final String manifest = String.valueOf(Resources.properties(namespace).get("Manifest"));
            assertTrue(manifest.contains("\"" + GATE + "\":\"enabled\""), manifest);
            // Created after the controller, whose chart CDK installs with Wait: its webhook, which injects
            // the gate into new pods of labelled namespaces, answers before any pod of the stage exists.
            assertTrue(Resources.dependsOn(namespace).contains(controller), namespace::toString);
        }
        assertEquals(true, Resources.properties(cluster.findResources("Custom::AWSCDK-EKS-HelmChart").get(controller))
                .get("Wait"));
    }

    @ParameterizedTest
    @EnumSource(Stage.class)
    void aStoppingPodKeepsServingLongerThanTheLoadBalancerSendsToIt(final Stage stage) {
        final List<Map<String, Object>> objects = render(stage);
        final Map<String, Object> pod = at(only(objects, "StatefulSet", "hello"), "spec.template.spec");
        final Map<String, Object> container = at(pod, "containers.0");
        final int preStop = at(container, "lifecycle.preStop.sleep.seconds");
        assertEquals(PipelineConfig.PRE_STOP_SECONDS, preStop);

        final Map<String, String> annotations = at(only(objects, "Service", "hello"), "metadata.annotations");
        final String attributes = annotations.get("service.beta.kubernetes.io/aws-load-balancer-target-group-attributes");
        final int deregistrationDelay = Integer.parseInt(attributes.replaceAll(".*deregistration_delay\\.timeout_seconds=(\\d+).*", "$1"));
        assertTrue(preStop > deregistrationDelay, "the pod outlasts the NLB's deregistration delay");
        assertTrue(preStop > 120, "and the two minutes an NLB keeps sending to a draining target (#3270)");

        // The grace period covers the preStop wait and then the service's own drain, which it reads from env.
        final List<Map<String, Object>> variables = at(container, "env");
        final Map<String, String> env = variables.stream().filter(e -> e.get("value") != null)
                .collect(Collectors.toMap(e -> (String) e.get("name"), e -> (String) e.get("value")));
        final int drain = Integer.parseInt(env.get("DRAIN_SECONDS")) + Integer.parseInt(env.get("GRACE_SECONDS"));
        final int grace = at(pod, "terminationGracePeriodSeconds");
        assertEquals(PipelineConfig.TERMINATION_GRACE_SECONDS, grace);
        assertTrue(grace >= preStop + drain, grace + " s for a " + preStop + " s wait and a " + drain + " s drain");
    }

    @Test
    void theDefaultRolloutWaitCoversTheLargestStageAndTheDeployCoversTheRollout() {
        final PipelineConfig pipeline = Synths.defaultConfig().pipeline();
        assertEquals(430, PipelineConfig.rolloutSecondsPerPod());
        assertTrue(pipeline.rolloutTimeoutSeconds()
                        >= SampleWorkload.RELEASED.productionMaxReplicas() * PipelineConfig.rolloutSecondsPerPod(),
                "production's HorizontalPodAutoscaler may run 8 pods, replaced one at a time");
        assertTrue(pipeline.deployTimeoutMinutes() * 60
                >= pipeline.rolloutTimeoutSeconds() + PipelineConfig.DEPLOY_SECONDS_BEYOND_ROLLOUT);
    }
}
