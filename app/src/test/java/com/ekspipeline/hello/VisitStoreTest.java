package com.ekspipeline.hello;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VisitStoreTest {

    @TempDir
    Path volume;

    @Test
    void startsAtZeroOnAnEmptyVolume() {
        assertEquals(0, new VisitStore(volume.resolve("new")).current());
    }

    @Test
    void countSurvivesANewStoreOnTheSameVolume() {
        VisitStore first = new VisitStore(volume);
        first.increment();
        first.increment();
        assertEquals(3, first.increment());

        VisitStore afterRestart = new VisitStore(volume);
        assertEquals(3, afterRestart.current());
        assertEquals(4, afterRestart.increment());
    }

    @Test
    void leavesOnlyTheCountFileBehind() throws IOException {
        new VisitStore(volume).increment();
        assertTrue(Files.exists(volume.resolve("visits")));
        assertFalse(Files.exists(volume.resolve("visits.tmp")));
        assertEquals("1", Files.readString(volume.resolve("visits")));
    }

    @Test
    void refusesAFileThatIsNotACount() throws IOException {
        Files.writeString(volume.resolve("visits"), "twelve");
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> new VisitStore(volume));
        assertEquals(volume.resolve("visits") + " holds 'twelve', not a visit count.", error.getMessage());
    }
}
