/**
 * Client of the Mesos v1 scheduler HTTP API: {@link io.mesowhisk.mesos.api.MesosClient#create} with a
 * {@link io.mesowhisk.mesos.api.MesosClientConfig}, then
 * {@link io.mesowhisk.mesos.api.MesosClient#subscribe} gives a {@link io.mesowhisk.mesos.api.Subscription} with one
 * asynchronous method per call, and a {@link io.mesowhisk.mesos.api.SubscriptionListener} receives the events on
 * one thread, in order; an {@link io.mesowhisk.mesos.api.OffersListener} takes OFFERS events undecoded
 * ({@link io.mesowhisk.mesos.api.EncodedOffers}). Failures are typed: {@link io.mesowhisk.mesos.api.MesosHttpException} (by HTTP family),
 * {@link io.mesowhisk.mesos.api.MesosProtocolException}, {@link io.mesowhisk.mesos.api.MesosConnectionException}.
 * Also here: {@link io.mesowhisk.mesos.api.LocalMaster}, the service of an in-JVM master.
 */
@Export
@Version("1.1.0")
package io.mesowhisk.mesos.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
