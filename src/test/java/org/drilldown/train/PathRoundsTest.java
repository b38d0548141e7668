package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The barrier stage's rounds deal every minibatch file once, at most the averaging frequency per worker and round,
 * whole rounds first and the rest as a fit of its own; which file goes where is DL4J's choice, checked against
 * DL4J's own jobs to the bit in ReproducibilityTest.
 */
class PathRoundsTest {
    private static List<String> files(int n) {
        return IntStream.range(0, n).mapToObj(i -> "f" + i).toList();
    }

    @Test
    void everyFileIsFittedOnceInWholeRoundsThenTheRest() throws Exception {
        // 2 workers x 3 = 6 a round: 45 files are 7 whole rounds (42 files) and a rest of 3.
        List<PathRounds.Round> rounds = PathRounds.of(files(45), 2, 3, new Random(7));

        assertThat(rounds).hasSize(8);
        assertThat(rounds.subList(0, 7)).allSatisfy(r -> {
            assertThat(r.fit()).isZero();
            assertThat(r.files()).hasSize(2).allSatisfy(w -> assertThat(w).hasSize(3));
        });
        PathRounds.Round rest = rounds.get(7);
        assertThat(rest.fit()).isEqualTo(1);
        assertThat(rest.files().get(0)).containsExactly("f42");
        assertThat(rest.files().get(1)).containsExactly("f43", "f44");

        List<String> dealt = new ArrayList<>();
        rounds.forEach(r -> r.files().forEach(dealt::addAll));
        assertThat(dealt).containsExactlyInAnyOrderElementsOf(files(45));
        // Worker 0 gets the first half of the whole rounds' files, worker 1 the second, as parallelize slices them.
        assertThat(rounds.subList(0, 7).stream().flatMap(r -> r.files().get(0).stream()))
                .containsExactlyInAnyOrderElementsOf(files(21));
    }

    @Test
    void theSameGeneratorDealsTheSameRoundsAndAnotherDealsOthers() throws Exception {
        assertThat(PathRounds.of(files(60), 2, 3, new Random(1)))
                .isEqualTo(PathRounds.of(files(60), 2, 3, new Random(1)))
                .isNotEqualTo(PathRounds.of(files(60), 2, 3, new Random(2)));
    }

    @Test
    void fewerFilesThanARoundAreOneRoundOfTheFirstFit() throws Exception {
        List<PathRounds.Round> rounds = PathRounds.of(files(5), 2, 3, new Random(1));
        assertThat(rounds).hasSize(1);
        assertThat(rounds.get(0).fit()).isZero();
        assertThat(rounds.get(0).files()).containsExactly(List.of("f0", "f1"), List.of("f2", "f3", "f4"));
    }
}
