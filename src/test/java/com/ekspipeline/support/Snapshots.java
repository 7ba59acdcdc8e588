package com.ekspipeline.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares a synthesized template with its committed snapshot in {@code src/test/resources/snapshots}.
 *
 * <p>Asset hashes change with every byte of bundled code and CDK version, not with the infrastructure;
 * they are replaced by a placeholder so a snapshot changes only when the template does. Keys are sorted so
 * the file diffs line by line in review. Run with {@code -DupdateSnapshots=true} to rewrite snapshots.
 */
public final class Snapshots {

    public static final Path DIRECTORY = Path.of("src", "test", "resources", "snapshots");
    public static final String UPDATE_PROPERTY = "updateSnapshots";
    private static final Pattern ASSET_HASH = Pattern.compile("[a-f0-9]{64}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Snapshots() {
    }

    public static void assertMatches(final String name, final Template template) {
        final String actual = normalized(template.toJSON());
        final Path file = DIRECTORY.resolve(name + ".json");
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(DIRECTORY);
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                fail("No snapshot " + file + " yet. Create it with: ./mvnw test -D" + UPDATE_PROPERTY + "=true");
            }
            final String expected = Files.readString(file, StandardCharsets.UTF_8);
            if (!expected.equals(actual)) {
                fail("The " + name + " template differs from its snapshot " + file + ". Review the change, "
                        + "resource by resource with IAM, security group and replacement warnings: scripts/review. "
                        + "If it is intended, rewrite the snapshots with ./mvnw test -D" + UPDATE_PROPERTY
                        + "=true and commit them with the change.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template as sorted, indented JSON with asset hashes replaced. */
    public static String normalized(final Map<String, Object> template) {
        final JsonNode tree = JSON.valueToTree(template);
        try {
            return JSON.writeValueAsString(JSON.treeToValue(scrub(tree), Object.class)) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode scrub(final JsonNode node) {
        if (node.isTextual()) {
            return new TextNode(ASSET_HASH.matcher(node.asText()).replaceAll("<asset-hash>"));
        }
        if (node instanceof ObjectNode object) {
            final Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            final ObjectNode copy = JSON.createObjectNode();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> field = fields.next();
                copy.set(field.getKey(), scrub(field.getValue()));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            final ArrayNode copy = JSON.createArrayNode();
            array.forEach(item -> copy.add(scrub(item)));
            return copy;
        }
        return node;
    }
}
