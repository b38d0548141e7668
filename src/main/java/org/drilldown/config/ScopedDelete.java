package org.drilldown.config;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Recursive deletes scoped to the directory that owns what they delete: the target must lie strictly inside
 * {@code root}, both as written (normalized) and as the file system resolves the target's parent (links), and
 * links under the target are removed, never followed. Every recursive delete of run output goes through here,
 * so that no id or configured path (a run id '..', an export directory) can make one reach outside.
 */
public final class ScopedDelete {
    private ScopedDelete() {}

    /** Deletes {@code target} and everything under it; nothing to delete is fine. */
    public static void tree(Path root, Path target) throws IOException {
        requireInside(root, target);
        Files.walkFileTree(target.toAbsolutePath().normalize(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file); // a link is deleted itself: walkFileTree does not follow links
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** As {@link #tree}, for scratch directories: an I/O error leaves the rest in place; a target outside still fails. */
    public static void quietly(Path root, Path target) {
        try {
            tree(root, target);
        } catch (IOException e) {
            // scratch left behind; nothing depends on it being gone
        }
    }

    private static void requireInside(Path root, Path target) {
        Path r = root.toAbsolutePath().normalize();
        Path t = target.toAbsolutePath().normalize();
        if (!t.startsWith(r) || t.equals(r) || !insideReally(r, t)) {
            throw new IllegalStateException("refusing to delete " + target + ": not inside " + root);
        }
    }

    /** Whether the target's parent, with links resolved, is still inside the root's real path. */
    private static boolean insideReally(Path root, Path target) {
        Path parent = target.getParent();
        if (parent == null) {
            return false; // a filesystem root is inside nothing
        }
        try {
            if (!Files.exists(root) || !Files.exists(parent)) {
                return true; // nothing there to delete through
            }
            return parent.toRealPath().startsWith(root.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }
}
