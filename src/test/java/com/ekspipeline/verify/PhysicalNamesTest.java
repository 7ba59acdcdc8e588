package com.ekspipeline.verify;

import com.ekspipeline.support.Synthesized;
import com.ekspipeline.support.Synths;
import com.ekspipeline.support.TestContext;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.s3.Bucket;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two apps in one account never clash: the app with every optional part on is synthesized under the
 * default appName and under another, and no resource of the second has the physical name of one of the
 * first. A physical name is each property CloudFormation's resource schema says identifies the resource
 * and the template sets (scripts/name_properties.py, through cfn-lint's schemas); a resource that sets
 * none is named by CloudFormation, uniquely. Names built from other resources' names (a node group's
 * ClusterName, an ARN from GetAtt, a cross-stack output) are resolved to those names first.
 */
class PhysicalNamesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for a name CloudFormation generates: unique, so anything built from it is too. */
    private static final String GENERATED = "\u0000generated\u0000";
    private static final String SECOND_APP = "second-app";

    private static Map<String, Map<String, Object>> first;
    private static Map<String, Map<String, Object>> second;
    private static Map<String, List<String>> nameProperties;

    @BeforeAll
    static void synthesizeTwoApps() throws IOException, InterruptedException {
        first = Synths.everythingOnTemplates();
        second = templates(TestContext.everythingOn().with("appName", SECOND_APP).deploy().stacks());
        nameProperties = nameProperties(first, second);
    }

    @Test
    void noPhysicalNameOfTheSecondAppIsOneOfTheFirst() {
        assertEquals(List.of(), clashes(first, second, nameProperties));
    }

    /** The check has something to compare: the names the app does set, such as the notification rule's. */
    @Test
    void theSecondAppNamesItsResourcesForItself() {
        final Set<String> named = identities(second, nameProperties).keySet();
        assertTrue(named.contains("AWS::CodeStarNotifications::NotificationRule|" + SECOND_APP + "-releases"), named.toString());
        assertTrue(named.contains("AWS::EKS::Cluster|" + SECOND_APP), named.toString());
        // A node group's name is its own within its cluster's, which is the app's.
        assertTrue(named.contains("AWS::EKS::Nodegroup|" + SECOND_APP + "|general-us-east-2a"), named.toString());
        assertTrue(named.size() > 20, named.toString());
    }

    /** A probe: a resource with a fixed name, next to one named from the app and one left unnamed. */
    @Test
    void aFixedNameFailsTheCheck() throws IOException, InterruptedException {
        final Map<String, Map<String, Object>> one = templates(List.of(probe("eks-pipeline")));
        final Map<String, Map<String, Object>> two = templates(List.of(probe(SECOND_APP)));
        final List<String> clashes = clashes(one, two, nameProperties(one, two));
        assertEquals(1, clashes.size(), clashes.toString());
        assertTrue(clashes.get(0).contains("AWS::S3::Bucket|fixed-bucket-name"), clashes.toString());
    }

    private static Stack probe(final String appName) {
        final Stack stack = new Stack(new App(), "Probe", StackProps.builder().stackName(appName + "-probe").build());
        Bucket.Builder.create(stack, "Fixed").bucketName("fixed-bucket-name").build();
        Bucket.Builder.create(stack, "FromAppName").bucketName(appName + "-bucket").build();
        Bucket.Builder.create(stack, "Unnamed").build();
        return stack;
    }

    private static Map<String, Map<String, Object>> templates(final List<Stack> stacks) {
        final Map<String, Map<String, Object>> templates = new LinkedHashMap<>();
        stacks.forEach(stack -> templates.put(stack.getStackName(), Synthesized.json(stack)));
        return templates;
    }

    /** Each name of {@code second} that {@code first} has too: "stack/logicalId: type|name...". */
    static List<String> clashes(final Map<String, Map<String, Object>> first, final Map<String, Map<String, Object>> second,
                                final Map<String, List<String>> nameProperties) {
        final Set<String> taken = identities(first, nameProperties).keySet();
        return identities(second, nameProperties).entrySet().stream().filter(e -> taken.contains(e.getKey()))
                .map(e -> e.getValue() + ": " + e.getKey().replace(GENERATED, "*")).sorted().toList();
    }

    /** Every resource's physical identity ("type|name|..."), to where it is; unnamed resources are left out. */
    private static Map<String, String> identities(final Map<String, Map<String, Object>> templates,
                                                  final Map<String, List<String>> nameProperties) {
        final Map<String, String> identities = new LinkedHashMap<>();
        templates.forEach((stackName, template) -> resources(template).keySet().forEach(id ->
                new Names(templates, nameProperties).identity(stackName, id)
                        .ifPresent(identity -> identities.put(identity, stackName + "/" + id))));
        return identities;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> resources(final Map<String, Object> template) {
        return (Map<String, Map<String, Object>>) template.getOrDefault("Resources", Map.of());
    }

    /** scripts/name_properties.py over every type either app uses: type → JSON pointers of its names. */
    private static Map<String, List<String>> nameProperties(final Map<String, Map<String, Object>> one,
                                                            final Map<String, Map<String, Object>> two)
            throws IOException, InterruptedException {
        final Set<String> types = new TreeSet<>();
        for (final Map<String, Map<String, Object>> app : List.of(one, two)) {
            app.values().forEach(t -> resources(t).values().forEach(r -> types.add((String) r.get("Type"))));
        }
        final List<String> command = new ArrayList<>(List.of("python3", "scripts/name_properties.py"));
        command.addAll(types);
        final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final byte[] out = process.getInputStream().readAllBytes();
        assertEquals(0, process.waitFor(), new String(out));
        return JSON.readValue(out, new TypeReference<>() { });
    }

    /** Resolves the names of one app's resources, following references across its stacks. */
    private record Names(Map<String, Map<String, Object>> templates, Map<String, List<String>> nameProperties) {

        Optional<String> identity(final String stackName, final String logicalId) {
            final String type = (String) resources(templates.get(stackName)).get(logicalId).get("Type");
            return name(stackName, logicalId).map(name -> type + "|" + name);
        }

        /** The resource's names, joined; empty when it sets none or one is generated. */
        private Optional<String> name(final String stackName, final String logicalId) {
            final Map<String, Object> resource = resources(templates.get(stackName)).get(logicalId);
            final String type = (String) resource.get("Type");
            @SuppressWarnings("unchecked")
            final Map<String, Object> properties = (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
            final List<String> names = new ArrayList<>();
            for (final String pointer : nameProperties.getOrDefault(type, List.of())) {
                final Object value = at(properties, pointer);
                if (value != null) {
                    names.add(resolve(value, stackName));
                }
            }
            if (names.isEmpty() || names.stream().anyMatch(n -> n.contains(GENERATED))) {
                return Optional.empty();
            }
            return Optional.of(String.join("|", names));
        }

        private static Object at(final Map<String, Object> properties, final String pointer) {
            Object value = properties;
            for (final String step : pointer.substring("/properties/".length()).split("/")) {
                value = value instanceof Map<?, ?> map ? map.get(step) : null;
            }
            return value;
        }

        /** A value as the string CloudFormation would make of it, or one containing GENERATED. */
        @SuppressWarnings("unchecked")
        String resolve(final Object value, final String stackName) {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return String.valueOf(value);
            }
            if (value instanceof List<?> list) {
                return list.stream().map(v -> resolve(v, stackName)).collect(Collectors.joining(",", "[", "]"));
            }
            final Map<String, Object> map = (Map<String, Object>) value;
            if (map.size() == 1) {
                final Map.Entry<String, Object> fn = map.entrySet().iterator().next();
                switch (fn.getKey()) {
                    case "Ref":
                        return reference((String) fn.getValue(), stackName);
                    case "Fn::GetAtt":
                        final Object target = fn.getValue();
                        return reference(target instanceof List<?> l ? (String) l.get(0)
                                : ((String) target).split("\\.")[0], stackName);
                    case "Fn::Join":
                        final List<Object> join = (List<Object>) fn.getValue();
                        return ((List<Object>) join.get(1)).stream().map(v -> resolve(v, stackName))
                                .collect(Collectors.joining((String) join.get(0)));
                    case "Fn::GetStackOutput":
                        final Map<String, Object> output = (Map<String, Object>) fn.getValue();
                        return output((String) output.get("StackName"), (String) output.get("OutputName"));
                    case "Fn::ImportValue":
                        return exported(resolve(fn.getValue(), stackName));
                    default:
                        break;
                }
            }
            return map.entrySet().stream().map(e -> e.getKey() + "=" + resolve(e.getValue(), stackName))
                    .collect(Collectors.joining(",", "{", "}"));
        }

        private String reference(final String target, final String stackName) {
            if (target.equals("AWS::StackName")) {
                return stackName;
            }
            if (target.equals("AWS::StackId")) {
                return GENERATED;
            }
            if (resources(templates.get(stackName)).containsKey(target)) {
                return name(stackName, target).orElse(GENERATED);
            }
            return "${" + target + "}"; // a parameter or another pseudo parameter: the same in every app
        }

        @SuppressWarnings("unchecked")
        private String output(final String stackName, final String outputName) {
            final Map<String, Object> outputs = (Map<String, Object>) templates.get(stackName).get("Outputs");
            return resolve(((Map<String, Object>) outputs.get(outputName)).get("Value"), stackName);
        }

        @SuppressWarnings("unchecked")
        private String exported(final String exportName) {
            for (final Map.Entry<String, Map<String, Object>> stack : templates.entrySet()) {
                final Map<String, Object> outputs = (Map<String, Object>) stack.getValue().getOrDefault("Outputs", Map.of());
                for (final Object o : outputs.values()) {
                    final Map<String, Object> output = (Map<String, Object>) o;
                    final Object export = output.get("Export");
                    if (export != null && exportName.equals(resolve(((Map<String, Object>) export).get("Name"),
                            stack.getKey()))) {
                        return resolve(output.get("Value"), stack.getKey());
                    }
                }
            }
            throw new AssertionError("no stack exports " + exportName);
        }
    }
}
