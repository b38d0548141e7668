package org.drilldown.data;

import java.nio.file.Path;
import org.drilldown.config.BadInput;

/** An IDX file that cannot be used: names the file and what is wrong with it. */
public final class IdxFormatException extends BadInput {
    public IdxFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public IdxFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
