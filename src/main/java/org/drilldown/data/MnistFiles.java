package org.drilldown.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The four MNIST IDX files in one directory, plain ({@code train-images-idx3-ubyte}) or gzipped
 * ({@code train-images-idx3-ubyte.gz}); reads a split with its counts cross-checked.
 */
public final class MnistFiles {
    private static final String[] NAMES = {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
    };
    private final Path dir;

    public MnistFiles(Path dir) {
        this.dir = dir;
    }

    /** Checks that all four files are present, before anything is read. */
    public MnistFiles requirePresent() {
        if (!Files.isDirectory(dir)) {
            throw new IdxFormatException(
                    dir,
                    "no such data directory; run scripts/fetch-mnist.sh " + dir
                            + " or pass --data DIR holding the four MNIST IDX files");
        }
        for (String name : NAMES) {
            file(name);
        }
        return this;
    }

    public MnistSplit train() {
        return train(0);
    }

    public MnistSplit test() {
        return test(0);
    }

    /** The first {@code limit} training examples (0 = all); nothing after them is read. */
    public MnistSplit train(int limit) {
        return read("train", "train", limit, "--train-limit");
    }

    /** The first {@code limit} test examples (0 = all); nothing after them is read. */
    public MnistSplit test(int limit) {
        return read("test", "t10k", limit, "--test-limit");
    }

    /** SHA-256 of each file actually read, by file name, for the run manifest. */
    public Map<String, String> checksums() {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String name : NAMES) {
            Path f = file(name);
            sums.put(f.getFileName().toString(), sha256(f));
        }
        return sums;
    }

    /** Checks the headers agree and the heap can hold what is asked for, then reads that much. */
    private MnistSplit read(String split, String prefix, int limit, String limitFlag) {
        Path imagesFile = file(prefix + "-images-idx3-ubyte");
        Path labelsFile = file(prefix + "-labels-idx1-ubyte");
        int imageCount = IdxReader.count(imagesFile, 3);
        int labelCount = IdxReader.count(labelsFile, 1);
        if (imageCount != labelCount) {
            throw new IdxFormatException(
                    labelsFile,
                    "holds " + labelCount + " labels but " + imagesFile.getFileName() + " holds " + imageCount
                            + " images");
        }
        int wanted = limit > 0 ? Math.min(limit, imageCount) : imageCount;
        HeapBudget.require(imagesFile, wanted, Runtime.getRuntime().maxMemory(), limitFlag);
        byte[][] images = IdxReader.readImages(imagesFile, MnistSplit.ROWS, MnistSplit.COLS, wanted);
        byte[] labels = IdxReader.readLabels(labelsFile, MnistSplit.CLASSES, wanted);
        return new MnistSplit(split, images, labels);
    }

    private Path file(String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new IdxFormatException(
                plain,
                "missing (nor " + gz.getFileName() + "); run scripts/fetch-mnist.sh " + dir
                        + " or pass --data DIR holding the four MNIST IDX files");
    }

    static String sha256(Path file) {
        try (DigestInputStream in =
                new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IdxFormatException(file, "cannot be checksummed (" + e.getMessage() + ")", e);
        }
    }
}
