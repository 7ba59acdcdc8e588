package com.ekspipeline.verify;

import com.ekspipeline.support.Synths;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The functions' assets carry the shared modules they import as files, not as links out of the asset. */
class LambdaAssetsTest {

    @Test
    void theAddonLookupShipsTheSharedResponseModule() throws IOException {
        final Path assembly = Path.of(((App) Synths.defaults().cluster().getNode().getScope()).synth().getDirectory());
        final List<Path> assets;
        try (Stream<Path> children = Files.list(assembly)) {
            assets = children.filter(p -> Files.isRegularFile(p.resolve("addon_versions.py"))).toList();
        }
        assertEquals(1, assets.size(), assets.toString());
        final Path module = assets.get(0).resolve("cfn_response.py");
        assertTrue(Files.isRegularFile(module), "cfn_response.py in " + assets.get(0));
        assertFalse(Files.isSymbolicLink(module), "a copy, which Lambda can load");
        assertEquals(Files.readString(Path.of("lambda/shared/cfn_response.py")), Files.readString(module));
        assertFalse(Files.exists(assets.get(0).resolve("test_addon_versions.py")), "tests stay out");
    }
}
