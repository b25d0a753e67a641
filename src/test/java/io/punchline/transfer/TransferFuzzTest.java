package io.punchline.transfer;

import io.punchline.testing.Mutations;
import io.punchline.transfer.ControlMessage.Abort;
import io.punchline.transfer.ControlMessage.Answer;
import io.punchline.transfer.ControlMessage.Complete;
import io.punchline.transfer.ControlMessage.FileDone;
import io.punchline.transfer.ControlMessage.Offer;
import io.punchline.transfer.ControlMessage.Request;
import io.punchline.testing.FuzzBudget;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Random and mutated bytes never make a transfer parser throw anything but {@link TransferProtocolException} (or, for
 * stream reads, an {@link IOException} for a stream that ends early): bounds come before allocation.
 */
@AddLifecycleHook(FuzzBudget.class)
class TransferFuzzTest {

    private static final List<byte[]> SEEDS = List.of(
            ControlCodec.encode(new Offer(ControlCodecTest.ID, ControlCodecTest.small())),
            ControlCodec.encode(new Answer(List.of(new Request(1, 5), new Request(3, 0)))),
            ControlCodec.encode(new FileDone(7)),
            ControlCodec.encode(new Complete(2, 1 << 20)),
            ControlCodec.encode(new Abort(Abort.Reason.CANCELLED, "cancelled by the peer")),
            new FileHeader(ControlCodecTest.ID, 3, 1 << 22).encode(),
            new PartState(ControlCodecTest.HASH, 100, 50, ControlCodecTest.HASH, "big.bin.part").encode());

    @Provide
    Arbitrary<List<Integer>> mutations() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 2000)
    void randomBytesOnlyEverThrowTheProtocolException(@ForAll @Size(max = 64) byte[] input) {
        parseEverywhere(input);
    }

    @Property(tries = 2000)
    void mutatedMessagesOnlyEverThrowTheProtocolException(@ForAll @IntRange(min = 0, max = 6) int seed,
                                                         @ForAll("mutations") List<Integer> mutations) {
        parseEverywhere(Mutations.apply(SEEDS.get(seed), mutations));
    }

    private static void parseEverywhere(byte[] input) {
        tolerate(() -> ControlCodec.decode(ByteBuffer.wrap(input)));
        tolerate(() -> ControlCodec.read(new ByteArrayInputStream(input)));
        tolerate(() -> FileHeader.decode(ByteBuffer.wrap(input)));
        tolerate(() -> FileHeader.read(new ByteArrayInputStream(input)));
        tolerate(() -> PartState.decode(ByteBuffer.wrap(input)));
    }

    interface Parse {
        Object run() throws Exception;
    }

    private static void tolerate(Parse parse) {
        try {
            parse.run();
        } catch (TransferProtocolException | java.io.EOFException expected) {
            // the only acceptable failures
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }
}
