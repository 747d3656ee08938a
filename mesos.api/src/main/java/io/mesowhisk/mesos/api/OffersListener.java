package io.mesowhisk.mesos.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A {@link SubscriptionListener} that takes OFFERS events with their offers still encoded: such events come to
 * {@link #offers} instead of {@link #event}, in stream order with the other events and on the same thread. With the
 * binary protobuf encoding the offers are never decoded by the client (they are found in the record, see
 * {@link EncodedOffers}); with JSON they are decoded and written back to binary protobuf, so a listener has one path.
 */
@ConsumerType
public interface OffersListener extends SubscriptionListener {

    /** An OFFERS event after SUBSCRIBED. */
    void offers(Subscription subscription, EncodedOffers offers);
}
