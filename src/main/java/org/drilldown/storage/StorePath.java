package org.drilldown.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.drilldown.config.BadInput;
import org.drilldown.config.ScopedDelete;

/**
 * A file or directory of run output on any Hadoop filesystem: the one seam every read and write of run output goes
 * through. A plain path means the local disk, as it always has; {@code file:}, {@code hdfs://} and {@code s3a://}
 * URIs name a store. The store's guarantees decide how each operation is done (see {@link Store}); {@link
 * #toString} prints a local path as a plain path, so messages read as before.
 */
public final class StorePath {
    /** A scheme and a colon, as in {@code hdfs://…}, {@code s3a://…} or {@code file:/…}; anything else is a path. */
    private static final Pattern URI_LIKE = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");

    private static volatile Configuration localConf;

    private final FileSystem fs;
    private final Configuration conf;
    private final Store store;
    private final Path path;

    private StorePath(FileSystem fs, Configuration conf, Store store, Path path) {
        this.fs = fs;
        this.conf = conf;
        this.store = store;
        this.path = path;
    }

    /** Whether {@code value} is a URI with a scheme rather than a plain path. */
    public static boolean isUri(String value) {
        return URI_LIKE.matcher(value).matches();
    }

    /**
     * {@code value} as a location: a plain path is a local one, made absolute (executors and later commands resolve
     * paths in their own directories); a URI names its store. {@code what} names the setting in errors.
     */
    public static StorePath of(String value, Configuration conf, String what) {
        if (value == null || value.isBlank()) {
            throw new BadInput(what + " is empty; pass a directory or a URI such as hdfs://host:port/dir");
        }
        if (!isUri(value)) {
            return local(java.nio.file.Path.of(value));
        }
        URI uri = parse(value, what);
        Store store = Store.of(uri.getScheme());
        if (store == Store.LOCAL) {
            return local(java.nio.file.Path.of(uri.getPath()));
        }
        StorePath opened;
        try {
            FileSystem fs = FileSystem.get(uri, conf);
            opened = new StorePath(fs, conf, store, fs.makeQualified(new Path(uri)));
        } catch (UnsupportedFileSystemException e) {
            throw missingFileSystem(value, what, uri, e);
        } catch (IOException | RuntimeException e) {
            if (e.getCause() instanceof ClassNotFoundException) { // Hadoop names S3AFileSystem by default
                throw missingFileSystem(value, what, uri, e);
            }
            throw new BadInput(what + " " + value + ": cannot open its filesystem (" + e.getMessage()
                    + "); check the URI and the spark.hadoop.* settings for it");
        }
        if (store == Store.S3A) {
            opened.requireReachable(value, what);
        }
        return opened;
    }

    /**
     * S3A opens without a request (no bucket probe), so missing credentials or a wrong endpoint would surface at the
     * first write, deep in the job: one request now turns them into bad input naming the settings.
     */
    private void requireReachable(String value, String what) {
        // Its own client, retrying little: the job's retries an endpoint that refuses connections for many minutes
        Configuration once = new Configuration(conf);
        once.setInt("fs.s3a.attempts.maximum", 1);
        once.setInt("fs.s3a.retry.limit", 1);
        once.set("fs.s3a.retry.interval", "100ms");
        once.setInt("fs.s3a.connection.establish.timeout", 5_000);
        once.setInt("fs.s3a.connection.timeout", 10_000);
        try (FileSystem probe = FileSystem.newInstance(path.toUri(), once)) {
            probe.exists(path);
        } catch (IOException | RuntimeException e) { // S3A reports some failures unchecked
            throw new BadInput(what + " " + value + ": S3 refused or could not be reached (" + s3Reason(e)
                    + "); set spark.hadoop.fs.s3a.access.key and spark.hadoop.fs.s3a.secret.key (or"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), and for a store other than AWS"
                    + " spark.hadoop.fs.s3a.endpoint and spark.hadoop.fs.s3a.path.style.access"
                    + " (drilldown.spark.settings in a --conf file; README, On a cluster)");
        }
    }

    /** Why S3A failed, in a few words: its own messages list every credential provider it tried. */
    static String s3Reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
                if (c.getSimpleName().equals("NoAuthWithAWSException")) { // S3A's; hadoop-aws is runtime only
                    return "no AWS credentials found";
                }
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        message = message.length() > 160 ? message.substring(0, 160) + "…" : message;
        // S3A's own exception says what kind (AccessDeniedException for a 403); the SDK's, at the root, the details
        return e.getClass().getSimpleName() + ": " + message;
    }

    private static BadInput missingFileSystem(String value, String what, URI uri, Exception e) {
        return new BadInput(what + " " + value + ": no Hadoop filesystem for scheme '" + uri.getScheme()
                + "' on the classpath (" + e.getMessage() + "); use hdfs://, s3a:// or file:, add that"
                + " filesystem's jars to the classpath, or pass a plain directory");
    }

    private static URI parse(String value, String what) {
        try {
            URI uri = new URI(value).normalize();
            if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
                throw new URISyntaxException(value, "no absolute path");
            }
            if (!"file".equalsIgnoreCase(uri.getScheme()) && uri.getAuthority() == null) {
                throw new URISyntaxException(value, "no host (or bucket)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new BadInput(what + " " + value + " is not a usable URI (" + e.getReason()
                    + "); write scheme://host:port/absolute/path, file:/absolute/path, or a plain path");
        }
    }

    /** A directory or file on the local disk. */
    public static StorePath local(java.nio.file.Path local) {
        Configuration conf = localConf();
        try {
            FileSystem raw = FileSystem.getLocal(conf).getRawFileSystem(); // no .crc files beside ours
            String absolute = local.toAbsolutePath().normalize().toString();
            return new StorePath(raw, conf, Store.LOCAL, new Path("file", null, absolute));
        } catch (IOException e) {
            throw new IllegalStateException("the local filesystem is unavailable: " + e.getMessage(), e);
        }
    }

    private static Configuration localConf() {
        Configuration conf = localConf;
        if (conf == null) {
            conf = new Configuration();
            localConf = conf;
        }
        return conf;
    }

    public Store store() {
        return store;
    }

    /** The fully qualified location, as Spark and DL4J should be given it ({@code file:/…}, {@code hdfs://…}). */
    public String uri() {
        return path.toString();
    }

    public StorePath resolve(String child) {
        return new StorePath(fs, conf, store, new Path(path, child));
    }

    /** The parent; {@code this} for a root. */
    public StorePath parent() {
        Path parent = path.getParent();
        return parent == null ? this : new StorePath(fs, conf, store, parent);
    }

    public String name() {
        return path.getName();
    }

    /** The local file of a {@link Store#LOCAL} path, for what only the local disk has (OS locks). */
    public java.nio.file.Path local() {
        if (store != Store.LOCAL) {
            throw new IllegalStateException(this + " is not on the local disk");
        }
        return java.nio.file.Path.of(path.toUri().getPath());
    }

    public boolean exists() throws IOException {
        return fs.exists(path);
    }

    public boolean isDirectory() throws IOException {
        FileStatus status = status();
        return status != null && status.isDirectory();
    }

    public boolean isFile() throws IOException {
        FileStatus status = status();
        return status != null && status.isFile();
    }

    private FileStatus status() throws IOException {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    /** The entries of this directory by name; none when it does not exist. */
    public List<StorePath> list() throws IOException {
        List<StorePath> entries = new ArrayList<>();
        try {
            for (FileStatus s : fs.listStatus(path)) {
                entries.add(new StorePath(fs, conf, store, s.getPath()));
            }
        } catch (FileNotFoundException e) {
            return List.of();
        }
        entries.sort(Comparator.comparing(StorePath::name));
        return entries;
    }

    public void mkdirs() throws IOException {
        if (!fs.mkdirs(path)) {
            throw new IOException("cannot create directory " + this);
        }
    }

    /**
     * Creates this directory, its parent existing; false when it was there. Exclusive where the store makes it so
     * ({@link Store#exclusiveMkdir}); elsewhere two creators may both see true.
     */
    public boolean createDirectory() throws IOException {
        if (store.exclusiveMkdir()) {
            try {
                Files.createDirectory(local());
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
        if (exists()) {
            return false;
        }
        mkdirs();
        return true;
    }

    /** What fills a file. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes the file so that readers see the earlier content or all of the new, as {@link Store#replace} allows. */
    public void write(Body body) throws IOException {
        Store.Replace how = store.replace();
        if (how == Store.Replace.DIRECT) {
            writeTo(path, true, body);
            return;
        }
        Path partial = new Path(path.getParent(), "." + path.getName() + "-" + UUID.randomUUID() + ".tmp");
        try {
            writeTo(partial, false, body);
            switch (how) {
                case RENAME -> Files.move(
                        localOf(partial), local(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                case RENAME_OVERWRITE -> FileContext.getFileContext(path.toUri(), conf)
                        .rename(partial, path, Options.Rename.OVERWRITE);
                default -> {
                    fs.delete(path, false);
                    rename(partial, path);
                }
            }
        } finally {
            fs.delete(partial, false); // gone already when the rename succeeded
        }
    }

    public void write(byte[] bytes) throws IOException {
        write(out -> out.write(bytes));
    }

    /** Creates the file, failing when it exists (on stores with exclusive create; see {@link Store}). */
    public void createNew(byte[] bytes) throws IOException {
        writeTo(path, false, out -> out.write(bytes));
    }

    private void writeTo(Path file, boolean overwrite, Body body) throws IOException {
        try (FSDataOutputStream out = fs.create(file, overwrite)) {
            body.writeTo(out);
        }
    }

    public InputStream open() throws IOException {
        return fs.open(path);
    }

    public byte[] readAllBytes() throws IOException {
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }

    /** Moves this file to {@code target}, which must not exist: a table's files have unique names. */
    public void moveTo(StorePath target) throws IOException {
        if (target.exists()) { // rename(2) would replace it; unique names make a race here moot
            throw new java.nio.file.FileAlreadyExistsException("cannot move " + this + " onto " + target);
        }
        if (store == Store.LOCAL && target.store == Store.LOCAL) {
            Files.move(local(), target.local(), StandardCopyOption.ATOMIC_MOVE);
        } else {
            rename(path, target.path);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) { // HDFS says false rather than why
            throw new IOException("cannot rename " + from + " to " + to + " (does the target exist?)");
        }
    }

    /** Deletes this file or directory tree, which must lie strictly inside {@code root}; nothing there is fine. */
    public void deleteTree(StorePath root) throws IOException {
        if (store == Store.LOCAL) {
            ScopedDelete.tree(root.local(), local()); // also refuses to follow links out of root
            return;
        }
        String inside = root.path.toString() + "/";
        if (!fs.getUri().equals(root.fs.getUri()) || !path.toString().startsWith(inside)) {
            throw new IllegalStateException("refusing to delete " + this + ": not inside " + root);
        }
        fs.delete(path, true);
    }

    /** As {@link #deleteTree}, for scratch: an I/O error leaves it in place; a target outside still fails. */
    public void deleteQuietly(StorePath root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            // scratch left behind; nothing depends on it being gone
        }
    }

    /**
     * Replaces this directory (inside {@code root}) with the files of the local directory {@code from}: whole, where
     * the store renames directories atomically (a scratch directory moved into place), else file by file.
     */
    public void replaceDirectoryWith(java.nio.file.Path from, StorePath root) throws IOException {
        boolean whole = store.atomicDirectoryRename();
        StorePath into = whole ? parent().resolve("." + name() + "-" + UUID.randomUUID()) : this;
        try {
            if (!whole) {
                deleteTree(root);
            }
            try (var files = Files.list(from)) {
                for (java.nio.file.Path file : files.sorted().toList()) {
                    into.resolve(String.valueOf(file.getFileName())).write(out -> Files.copy(file, out));
                }
            }
            if (whole) {
                deleteTree(root);
                into.moveTo(this);
            }
        } finally {
            if (whole) {
                into.deleteQuietly(root); // gone already when the move succeeded
            }
        }
    }

    private java.nio.file.Path localOf(Path file) {
        return java.nio.file.Path.of(file.toUri().getPath());
    }

    /** A local path as the plain path it always printed as; any other as its URI. */
    @Override
    public String toString() {
        return store == Store.LOCAL ? path.toUri().getPath() : path.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StorePath other && path.equals(other.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path);
    }
}
