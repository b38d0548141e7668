package org.drilldown.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What a worker sends each averaging round comes back with the same bits, and averages as the mean. */
class WorkerStateTest {
    @Test
    void aStateReadsBackBitForBit() {
        INDArray params = Nd4j.rand(DataType.FLOAT, 1, 1001).subi(0.5);
        params.putScalar(0, 0, -0.0f);
        params.putScalar(0, 1, Float.MIN_VALUE);
        params.putScalar(0, 2, Float.NaN);
        INDArray updater = Nd4j.rand(DataType.FLOAT, 1, 2002);
        WorkerState back = WorkerState.decode(new WorkerState(params, updater, 0.1 + 0.2).encode());
        assertThat(back.params().shape()).containsExactly(1, 1001);
        assertThat(back.params().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(bits(back.params())).containsExactly(bits(params));
        assertThat(bits(back.updater())).containsExactly(bits(updater));
        assertThat(back.score()).isEqualTo(0.1 + 0.2);
        assertThat(WorkerState.decode(new WorkerState(params, null, 1).encode()).updater())
                .isNull();
    }

    @Test
    void theMeanIsOfTheStatesGivenAndLeavesThemAsTheyWere() {
        INDArray a = Nd4j.createFromArray(1f, 2f, 3f).reshape(1, 3);
        INDArray b = Nd4j.createFromArray(3f, 4f, 8f).reshape(1, 3);
        WorkerState mean = WorkerState.mean(List.of(
                new WorkerState(a, a.mul(10), 1), new WorkerState(b, null, 3), new WorkerState(b, b.mul(10), 5)));
        assertThat(mean.params().toFloatVector()).containsExactly(7f / 3, 10f / 3, 19f / 3);
        assertThat(mean.updater().toFloatVector()).containsExactly(40f / 3, 20f, 110f / 3);
        assertThat(mean.score()).isEqualTo(3.0);
        assertThat(a.toFloatVector()).containsExactly(1f, 2f, 3f);
        assertThat(b.toFloatVector()).containsExactly(3f, 4f, 8f);
        assertThat(WorkerState.mean(List.of())).isNull();
    }

    @Test
    void anyShapeReadsBackInItsShapeAndOnlyFloatsAreAState() {
        INDArray rank1 = Nd4j.createFromArray(1f, 2f, 3f);
        assertThat(WorkerState.floats(WorkerState.floats(rank1))).isEqualTo(rank1);
        INDArray fOrder = Nd4j.rand(DataType.FLOAT, 'f', 3, 4);
        assertThat(WorkerState.floats(WorkerState.floats(fOrder))).isEqualTo(fOrder);
        INDArray view = Nd4j.rand(DataType.FLOAT, 4, 5).getRow(2);
        assertThat(WorkerState.floats(WorkerState.floats(view))).isEqualTo(view);
        assertThatThrownBy(() -> WorkerState.floats(Nd4j.zeros(DataType.DOUBLE, 1, 3)))
                .hasMessageContaining("not DOUBLE");
    }

    @Test
    void aSnapshotSurvivesJavaSerializationBitForBitInItsShape() throws Exception {
        INDArray params = Nd4j.rand(DataType.FLOAT, 1, 1001).subi(0.5);
        params.putScalar(0, 0, -0.0f);
        params.putScalar(0, 1, Float.NaN);
        WorkerState.Snapshot back = roundTrip(new WorkerState.Snapshot(params));
        assertThat(back.array().shape()).containsExactly(1, 1001);
        assertThat(bits(back.array())).containsExactly(bits(params));
        INDArray view = Nd4j.rand(DataType.FLOAT, 4, 5).getRow(2);
        assertThat(roundTrip(new WorkerState.Snapshot(view)).array()).isEqualTo(view);
        INDArray fOrder = Nd4j.rand(DataType.FLOAT, 'f', 3, 4);
        assertThat(roundTrip(new WorkerState.Snapshot(fOrder)).array()).isEqualTo(fOrder);
        INDArray fresh = back.array();
        fresh.addi(1); // each array is the caller's own
        assertThat(bits(back.array())).containsExactly(bits(params));
    }

    private static WorkerState.Snapshot roundTrip(WorkerState.Snapshot s) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (WorkerState.Snapshot) in.readObject();
        }
    }

    private static int[] bits(INDArray a) {
        float[] v = a.toFloatVector();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }
}
