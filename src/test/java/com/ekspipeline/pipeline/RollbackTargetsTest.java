package com.ekspipeline.pipeline;

import com.ekspipeline.cluster.Stage;
import com.ekspipeline.support.Resources;
import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a stage runs, or can roll back to, never expires: a rollback re-runs the stage with an earlier
 * execution's IMAGE_URI and artifacts, and parked nodes pull the running image again every morning.
 * The repository's lifecycle policy is checked by running it, with ECR's documented evaluation rules, over
 * a quiet month: production's release, thirty releases staging ran that nobody approved, and images that
 * were only built.
 */
class RollbackTargetsTest {

    private static Template template;
    private static List<Map<String, Object>> rules;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void synth() {
        template = Synthesized.template(Synths.defaults().pipeline());
        final Map<String, Object> repository = Resources.properties(
                Resources.ofType(template, "AWS::ECR::Repository").values().iterator().next());
        rules = (List<Map<String, Object>>) Resources.parseJson((String) ((Map<?, ?>) repository
                .get("LifecyclePolicy")).get("LifecyclePolicyText")).get("rules");
    }

    /** An image as ECR's lifecycle policy sees it: its tags, pushed in list order (oldest first). */
    private record Image(String name, Set<String> tags) {
    }

    @Test
    void noImageAStageRanExpiresAndOnlyBuiltImagesDo() {
        final List<Image> images = quietMonth();
        final Set<String> expired = expire(rules, images);
        final Set<String> builtOnly = images.stream().filter(i -> i.tags().stream()
                .noneMatch(t -> t.startsWith(ImageBuild.DEPLOYED_TAG_PREFIX))).map(Image::name)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(expired.stream().allMatch(builtOnly::contains), "only images no stage ran: " + expired);
        // Built-only images among the 20 newest (deployed or not) stay; older ones go.
        final Set<String> newest = images.subList(images.size() - ImageBuild.IMAGES_KEPT, images.size()).stream()
                .map(Image::name).collect(Collectors.toSet());
        final Set<String> expected = builtOnly.stream().filter(n -> !newest.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(!expected.isEmpty(), "the month holds built-only images old enough to expire");
        assertEquals(expected, expired);
        assertTrue(!expired.contains("production"), "production's release is pulled again every morning");
    }

    /** The check can fail: ECR's old single rule (keep the 20 newest) expires production's release. */
    @Test
    void theSimulationCatchesAPolicyThatWouldExpireProductionsRelease() {
        final List<Map<String, Object>> keepTwenty = List.of(Map.of("rulePriority", 1, "selection",
                Map.of("tagStatus", "any", "countType", "imageCountMoreThan", "countNumber", 20),
                "action", Map.of("type", "expire")));
        assertTrue(expire(keepTwenty, quietMonth()).contains("production"));
    }

    @Test
    void theRulesAreThoseTheSimulationAssumes() {
        assertEquals(2, rules.size(), rules.toString());
        assertEquals(Map.of("tagStatus", "tagged", "tagPrefixList", List.of(ImageBuild.DEPLOYED_TAG_PREFIX),
                "countType", "imageCountMoreThan", "countNumber", ImageBuild.DEPLOYED_IMAGES_KEPT),
                rules.get(0).get("selection"));
        assertEquals(1, rules.get(0).get("rulePriority"));
        assertEquals(Map.of("tagStatus", "any", "countType", "imageCountMoreThan", "countNumber", ImageBuild.IMAGES_KEPT),
                rules.get(1).get("selection"));
        assertEquals(2, rules.get(1).get("rulePriority"));
    }

    /** Each deploy tags the image it is about to apply, per stage, with the prefix the first rule keeps. */
    @Test
    void eachDeployTagsItsImageBeforeApplyingIt() {
        final String deploy = Buildspecs.read("deploy.yml");
        final int tag = deploy.indexOf("kept=\"" + ImageBuild.DEPLOYED_TAG_PREFIX + "${STAGE:?}-${IMAGE_URI##*:}\"");
        final int put = deploy.indexOf("aws ecr put-image");
        final int apply = deploy.indexOf("kubectl apply");
        assertTrue(tag > 0 && put > tag && apply > put, "tag, then apply");
        for (final Stage stage : Stage.values()) {
            final String role = roleOf("eks-pipeline-deploy-" + stage.namespace());
            final List<Map<String, Object>> ecr = Resources.policyStatements(template, role).stream()
                    .filter(s -> Resources.strings(s.get("Action")).stream().anyMatch(a -> a.startsWith("ecr:"))).toList();
            assertEquals(1, ecr.size(), ecr.toString());
            assertEquals(new TreeSet<>(StageDeploys.IMAGE_TAGGING), new TreeSet<>(Resources.strings(ecr.get(0).get("Action"))));
            final String repository = Resources.logicalIds(template, "AWS::ECR::Repository").get(0);
            assertEquals(Map.of("Fn::GetAtt", List.of(repository, "Arn")), ecr.get(0).get("Resource"), "this repository only");
        }
    }

    /**
     * Artifacts outlive every execution a stage can roll back to: CodePipeline keeps 12 months of
     * executions, and the artifact bucket keeps objects for longer.
     */
    @Test
    @SuppressWarnings("unchecked")
    void artifactsOutliveEveryExecutionARollbackCanTarget() {
        final Map<String, String> location = (Map<String, String>) ((Map<?, ?>) Resources.properties(Resources.ofType(
                template, "AWS::CodePipeline::Pipeline").values().iterator().next()).get("ArtifactStore")).get("Location");
        final Map<String, Object> bucket = Resources.properties(
                Resources.ofType(template, "AWS::S3::Bucket").get(location.get("Ref")));
        final List<Map<String, Object>> lifecycle = (List<Map<String, Object>>) ((Map<?, ?>) bucket
                .get("LifecycleConfiguration")).get("Rules");
        assertEquals(1, lifecycle.size(), lifecycle.toString());
        final int days = (int) lifecycle.get(0).get("ExpirationInDays");
        assertEquals(SourceStore.ARTIFACT_KEEP_DAYS, days);
        assertTrue(days > 366, "beyond CodePipeline's 12 months of execution history");
        assertTrue(lifecycle.get(0).get("Prefix") == null && lifecycle.get(0).get("TagFilters") == null,
                "one rule for every artifact");
    }

    /**
     * Oldest first: production's release (staging ran it too), thirty releases only staging ran, and
     * ten images that were only built, interleaved with them.
     */
    private static List<Image> quietMonth() {
        final List<Image> images = new ArrayList<>();
        images.add(new Image("production", Set.of("p", "deployed-staging-p", "deployed-production-p")));
        IntStream.range(0, 30).forEach(i -> {
            images.add(new Image("staging-" + i, Set.of("s" + i, "deployed-staging-s" + i)));
            if (i % 3 == 0) {
                images.add(new Image("built-" + i, Set.of("b" + i)));
            }
        });
        return images;
    }

    /**
     * ECR's lifecycle evaluation: rules in priority order; each selects images by tag (any; tagged with
     * every prefix of tagPrefixList matched by some tag; untagged), ranks them newest first and marks those
     * beyond countNumber, except images a higher-priority rule's selection matched, which it still counts.
     */
    @SuppressWarnings("unchecked")
    private static Set<String> expire(final List<Map<String, Object>> policy, final List<Image> images) {
        final List<Map<String, Object>> ordered = policy.stream()
                .sorted((a, b) -> Integer.compare((int) a.get("rulePriority"), (int) b.get("rulePriority"))).toList();
        final Set<String> protectedByHigher = new TreeSet<>();
        final Set<String> expired = new TreeSet<>();
        for (final Map<String, Object> rule : ordered) {
            final Map<String, Object> selection = (Map<String, Object>) rule.get("selection");
            assertEquals("imageCountMoreThan", selection.get("countType"), "the simulation counts images only");
            final List<Image> selected = new ArrayList<>(images.stream().filter(i -> selects(selection, i)).toList());
            Collections.reverse(selected);
            selected.stream().skip((int) selection.get("countNumber")).map(Image::name)
                    .filter(n -> !protectedByHigher.contains(n)).forEach(expired::add);
            selected.forEach(i -> protectedByHigher.add(i.name()));
        }
        return expired;
    }

    @SuppressWarnings("unchecked")
    private static boolean selects(final Map<String, Object> selection, final Image image) {
        return switch ((String) selection.get("tagStatus")) {
            case "any" -> true;
            case "untagged" -> image.tags().isEmpty();
            default -> ((List<String>) selection.get("tagPrefixList")).stream()
                    .allMatch(prefix -> image.tags().stream().anyMatch(t -> t.startsWith(prefix)));
        };
    }

    private static String roleOf(final String projectName) {
        final Map<String, Object> project = Resources.properties(Resources.ofType(template, "AWS::CodeBuild::Project")
                .values().stream().filter(p -> projectName.equals(Resources.properties(p).get("Name")))
                .findFirst().orElseThrow());
        return (String) ((List<?>) ((Map<?, ?>) project.get("ServiceRole")).get("Fn::GetAtt")).get(0);
    }
}
