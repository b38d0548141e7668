package org.drilldown.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recursive delete removes only what lies inside the directory it is scoped to, and never follows a link. */
class ScopedDeleteTest {
    @TempDir
    Path tmp;

    @Test
    void refusesTheRootItselfAndAnythingOutsideIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("out/report"));
        Path keep = Files.writeString(tmp.resolve("out/keep"), "x");
        for (Path target : new Path[] {root, root.resolve(".."), root.resolve("."), root.resolve("a/../.."), tmp}) {
            assertThatThrownBy(() -> ScopedDelete.tree(root, target))
                    .as(target.toString())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not inside " + root);
        }
        assertThat(keep).exists();
    }

    @Test
    void refusesATargetThatALinkedParentPutsOutside() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/victim"));
        Files.writeString(elsewhere.resolve("data"), "x");
        Files.createSymbolicLink(root.resolve("link"), elsewhere.getParent());

        assertThatThrownBy(() -> ScopedDelete.tree(root, root.resolve("link/victim")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(elsewhere.resolve("data")).exists();
    }

    @Test
    void deletesATreeInsideWithoutFollowingLinksInIt() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path target = Files.createDirectories(root.resolve("run/a/b"));
        Files.writeString(target.resolve("f"), "x");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("data"), "x");
        Files.createSymbolicLink(target.resolve("link"), outside);

        ScopedDelete.tree(root, root.resolve("run"));
        ScopedDelete.tree(root, root.resolve("never-there")); // nothing to delete is fine

        assertThat(root.resolve("run")).doesNotExist();
        assertThat(root).isDirectory();
        assertThat(outside.resolve("data")).exists();
    }
}
