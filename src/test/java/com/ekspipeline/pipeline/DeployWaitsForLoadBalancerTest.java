package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.config.PipelineConfig;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deploy hands SERVICE_URL to the smoke test only once the load balancer is active and a target is
 * healthy (k8s/wait-for-load-balancer, tested against moto_server in tests/), within its time and with
 * read-only rights to ask.
 */
class DeployWaitsForLoadBalancerTest {

    private static final Pattern WAIT = Pattern.compile("bash k8s/wait-for-load-balancer \"\\$host\" (\\d+)\\n");
    private static Template template;

    @BeforeAll
    static void synth() {
        template = Synthesized.template(Synths.defaults().pipeline());
    }

    @Test
    void theUrlIsExportedOnlyAfterTheLoadBalancerServes() {
        final String deploy = Buildspecs.read("deploy.yml");
        final Matcher wait = WAIT.matcher(deploy);
        assertTrue(wait.find(), deploy);
        final int rollout = deploy.indexOf("kubectl rollout status");
        final int export = deploy.indexOf("export SERVICE_URL");
        assertTrue(rollout < wait.start() && wait.end() < export, "rollout, then the wait, then the URL");
        // Bounded: the address (24 polls 5 s apart) and the wait fit in what the config leaves the deploy
        // beyond the rollout, with a minute for kubectl.
        assertTrue(deploy.contains("for _ in $(seq 24); do"), "the address is waited for 2 minutes");
        assertTrue(60 + 24 * 5 + Integer.parseInt(wait.group(1)) <= PipelineConfig.DEPLOY_SECONDS_BEYOND_ROLLOUT);
    }

    @Test
    void theWaitShipsWithTheSourceTheDeployRuns() {
        assertTrue(SourceBundle.files(Path.of("")).contains("k8s/wait-for-load-balancer"));
    }

    @Test
    void eachDeployMayOnlyReadLoadBalancers() {
        for (final Stage stage : Stage.values()) {
            final Map<String, Object> project = Resources.properties(Resources.ofType(template, "AWS::CodeBuild::Project")
                    .values().stream().filter(p -> ("eks-pipeline-deploy-" + stage.namespace())
                            .equals(Resources.properties(p).get("Name"))).findFirst().orElseThrow());
            final String role = (String) ((List<?>) ((Map<?, ?>) project.get("ServiceRole")).get("Fn::GetAtt")).get(0);
            final List<Map<String, Object>> elb = Resources.policyStatements(template, role).stream()
                    .filter(s -> Resources.strings(s.get("Action")).stream()
                            .anyMatch(a -> a.startsWith("elasticloadbalancing:"))).toList();
            assertEquals(1, elb.size(), elb.toString());
            assertEquals("WaitForLoadBalancer", elb.get(0).get("Sid"));
            assertEquals(new TreeSet<>(StageDeploys.LOAD_BALANCER_READS), new TreeSet<>(Resources.strings(elb.get(0).get("Action"))));
            assertTrue(StageDeploys.LOAD_BALANCER_READS.stream().allMatch(a -> a.startsWith("elasticloadbalancing:Describe")));
            // Describe actions support no resource-level permissions.
            assertEquals("*", elb.get(0).get("Resource"));
            assertEquals("Allow", elb.get(0).get("Effect"));
        }
    }

    /** Every command the wait runs is one of the reads the role allows. */
    @Test
    void theWaitCallsOnlyWhatTheRoleAllows() throws java.io.IOException {
        final String script = java.nio.file.Files.readString(Path.of("k8s", "wait-for-load-balancer"));
        final Matcher call = Pattern.compile("aws elbv2 ([a-z-]+)").matcher(script);
        final TreeSet<String> actions = new TreeSet<>();
        while (call.find()) {
            final StringBuilder action = new StringBuilder("elasticloadbalancing:");
            for (final String word : call.group(1).split("-")) {
                action.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
            actions.add(action.toString());
        }
        assertEquals(new TreeSet<>(StageDeploys.LOAD_BALANCER_READS), actions);
    }
}
