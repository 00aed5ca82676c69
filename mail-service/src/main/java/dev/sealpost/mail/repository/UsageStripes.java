package dev.sealpost.mail.repository;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Which of a mailbox's usage stripes (migration V2_2) a change of usage writes to. A stripe row is
 * locked from the change until its transaction commits — a WAL flush later — so two concurrent
 * sends that pick the same stripe of the same mailbox run one after the other. Random stripes
 * collided often (8 concurrent sends of one sender over 16 stripes: a collision in 9 of 10
 * moments; measured: a quarter of the database's active time waited on such locks). So this process
 * lends each change in flight a stripe no other change of this process holds; only when more
 * changes are in flight than there are stripes (more than the connection pool allows) does one take a
 * random stripe. Replicas of the service lend independently and may still meet on a stripe, rarely.
 */
@ApplicationScoped
public class UsageStripes {

    /** Stripes per mailbox; more than the database connections one process uses at once (20 by default). */
    public static final int COUNT = 32;

    private final Queue<Short> free = new ConcurrentLinkedQueue<>();

    public UsageStripes() {
        List<Short> all = new ArrayList<>();
        for (short stripe = 0; stripe < COUNT; stripe++) {
            all.add(stripe);
        }
        // a different order per process: replicas that start together do not begin on the same stripes
        Collections.shuffle(all);
        free.addAll(all);
    }

    /** Any stripe, for a change inside a longer transaction whose row lock outlives any lending (a purge: rare). */
    public static short any() {
        return (short) ThreadLocalRandom.current().nextInt(COUNT);
    }

    /** Runs {@code change} with a stripe of its own, given back when the change ends, however it ends. */
    public <T> Uni<T> withStripe(Function<Short, Uni<T>> change) {
        return Uni.createFrom().deferred(() -> {
            Short lent = free.poll();
            short stripe = lent != null ? lent : (short) ThreadLocalRandom.current().nextInt(COUNT);
            Uni<T> running = Uni.createFrom().deferred(() -> change.apply(stripe));
            return lent == null ? running : running.onTermination().invoke(() -> free.add(lent));
        });
    }
}
