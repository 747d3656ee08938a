package io.mesowhisk.mesos.constraints;

import java.util.Comparator;
import java.util.Objects;

/**
 * How the engine chooses among offers that fit: the order offers are tried in, and whether consecutive tasks move on
 * to the next offer ({@code rotate}, spreading them) or stay on the first offer that still fits (packing them).
 * Pluggable: build your own with any order.
 *
 * @param name for logs and reasons
 * @param order the order offers are tried in, applied once per pass to the offers as given
 * @param rotate {@code false}: every task takes the first offer in {@code order} that fits (first fit);
 *        {@code true}: each task starts after the offer the previous task of the same shape took (round robin)
 */
public record PlacementStrategy(String name, Comparator<OfferView> order, boolean rotate) {

    /** Old default (mesos-actor): fullest agent first, i.e. least free cpus, then least free mem; first fit. */
    public static final PlacementStrategy BIN_PACK = new PlacementStrategy("bin-pack",
            Comparator.comparingLong(OfferView::cpusMilli).thenComparingLong(OfferView::memMilli)
                    .thenComparing(OfferView::id), false);

    /** Emptiest agent first, then round robin over the offers that fit, so consecutive tasks land on different agents. */
    public static final PlacementStrategy SPREAD = new PlacementStrategy("spread",
            Comparator.comparingLong(OfferView::cpusMilli).thenComparingLong(OfferView::memMilli).reversed()
                    .thenComparing(OfferView::id), true);

    public PlacementStrategy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(order, "order");
    }

    /** {@link #BIN_PACK} or {@link #SPREAD} by name ({@code bin-pack}, {@code spread}). */
    public static PlacementStrategy named(String name) {
        if (BIN_PACK.name.equals(name)) {
            return BIN_PACK;
        }
        if (SPREAD.name.equals(name)) {
            return SPREAD;
        }
        throw new IllegalArgumentException("unknown placement strategy '" + name + "': expected bin-pack or spread");
    }
}
