package dev.sealpost.mail.repository;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsageStripesTest {

    /** A change that stays in flight until the test ends it, recording the stripe it was lent. */
    private record Change(short stripe, UniEmitter<? super String> end) {
    }

    private static Change start(UsageStripes stripes) {
        AtomicReference<Change> started = new AtomicReference<>();
        stripes.<String>withStripe(stripe -> Uni.createFrom().emitter(end -> started.set(new Change(stripe, end))))
                .subscribe().with(ignored -> { }, ignored -> { });
        return started.get();
    }

    /** As many changes in flight as there are stripes. */
    private static List<Change> startAsManyAsStripes(UsageStripes stripes) {
        List<Change> inFlight = new ArrayList<>();
        for (int i = 0; i < UsageStripes.COUNT; i++) {
            inFlight.add(start(stripes));
        }
        return inFlight;
    }

    @Test
    void changesInFlightTogetherNeverShareAStripe() {
        List<Change> inFlight = startAsManyAsStripes(new UsageStripes());
        Set<Short> lent = new HashSet<>();
        inFlight.forEach(change -> lent.add(change.stripe()));
        assertEquals(UsageStripes.COUNT, lent.size(), "every change in flight has a stripe of its own");
        lent.forEach(stripe -> assertTrue(stripe >= 0 && stripe < UsageStripes.COUNT, "stripe " + stripe + " is within the table's range"));
    }

    @Test
    void aStripeComesBackWhenItsChangeEndsEvenInFailure() {
        UsageStripes stripes = new UsageStripes();
        List<Change> inFlight = startAsManyAsStripes(stripes);
        Change failing = inFlight.remove(0);
        failing.end().fail(new IllegalStateException("the statement failed"));
        // all other stripes are still lent: the only free one is the one the failed change gave back
        assertEquals(failing.stripe(), start(stripes).stripe());
        Change succeeding = inFlight.remove(0);
        succeeding.end().complete("done");
        assertEquals(succeeding.stripe(), start(stripes).stripe());
    }

    @Test
    void moreChangesThanStripesStillGetAStripeInRange() {
        UsageStripes stripes = new UsageStripes();
        startAsManyAsStripes(stripes);
        for (int i = 0; i < 100; i++) {
            short stripe = start(stripes).stripe();
            assertTrue(stripe >= 0 && stripe < UsageStripes.COUNT);
        }
    }
}
