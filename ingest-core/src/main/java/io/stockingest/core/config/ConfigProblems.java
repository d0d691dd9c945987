package io.stockingest.core.config;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Collects every configuration problem so that they are all reported at once, each in plain words. */
public final class ConfigProblems {
    private final List<String> problems = new ArrayList<>();

    public void add(String problem) {
        problems.add(problem);
    }

    /** Runs {@code parse}; an {@link IllegalArgumentException} or {@link IngestException} becomes a problem. */
    public <T> T check(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException | IngestException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws one {@link ErrorKind#USAGE} error that lists every problem, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new IngestException(ErrorKind.USAGE, String.join("\n", problems));
        }
    }
}
