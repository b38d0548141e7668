package org.drilldown.storage;

import java.util.Locale;

/**
 * What differs between the stores run output can live on, in one place (as Spark's {@code FileCommitProtocol} and
 * Delta Lake's {@code LogStore} name theirs). Every other class asks these questions rather than the scheme.
 *
 * <ul>
 *   <li>{@link #LOCAL} ({@code file:} or a plain path): POSIX rename replaces a file atomically; directories are
 *       created exclusively; the OS gives file locks, which it drops when the holder dies (kill -9 included).
 *   <li>{@link #HDFS}: {@code FileSystem.rename} onto an existing file returns false without renaming, so a
 *       replacing write goes through {@code FileContext.rename(..., Rename.OVERWRITE)}, which is atomic; {@code
 *       create(overwrite=false)} is exclusive, but {@code mkdir} of an existing directory succeeds. There is no lock that dies
 *       with its holder: a killed writer's lease frees only after the hard limit (20 minutes by default).
 *   <li>{@link #S3A}: an object appears whole only when its stream closes, so a replacing write goes straight to its
 *       target; rename is a copy plus a delete and fails on an existing target; two exclusive creates can both
 *       succeed, and a "directory" is a key prefix.
 *   <li>{@link #OTHER}: any other Hadoop filesystem; assumed to have none of these guarantees.
 * </ul>
 *
 * Where there is no OS lock, a live driver shows by a heartbeat file (see {@link Heartbeat}).
 */
public enum Store {
    LOCAL,
    HDFS,
    S3A,
    OTHER;

    /** The store of a URI scheme ({@code null}: a plain path). */
    public static Store of(String scheme) {
        if (scheme == null) {
            return LOCAL;
        }
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "file" -> LOCAL;
            case "hdfs" -> HDFS;
            case "s3a" -> S3A;
            default -> OTHER;
        };
    }

    /** Whether the OS gives file locks that end with their holder, so a dead driver's lock is free at once. */
    public boolean osLocks() {
        return this == LOCAL;
    }

    /** How a file is replaced so that a reader sees the old content or the new, never a part. */
    Replace replace() {
        return switch (this) {
            case LOCAL -> Replace.RENAME; // rename(2) replaces atomically
            case HDFS -> Replace.RENAME_OVERWRITE; // FileSystem.rename would return false
            case S3A -> Replace.DIRECT; // a PUT is visible whole on close; rename is a copy anyway
            case OTHER -> Replace.DELETE_THEN_RENAME; // a reader may briefly find no file
        };
    }

    /** Whether creating a directory that exists fails atomically (two drivers cannot both create it). */
    boolean exclusiveMkdir() {
        return this == LOCAL;
    }

    /** Whether renaming a directory moves it whole in one step (a report appears complete or not at all). */
    public boolean atomicDirectoryRename() {
        return this == LOCAL || this == HDFS;
    }

    enum Replace {
        RENAME,
        RENAME_OVERWRITE,
        DIRECT,
        DELETE_THEN_RENAME
    }
}
