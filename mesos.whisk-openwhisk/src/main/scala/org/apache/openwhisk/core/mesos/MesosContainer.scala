package org.apache.openwhisk.core.mesos

import scala.concurrent.{ExecutionContext, Future}
import scala.jdk.CollectionConverters._
import scala.jdk.FutureConverters._

import io.mesowhisk.whisk.WhiskContainer
import org.apache.openwhisk.common.{Logging, TransactionId}
import org.apache.openwhisk.core.containerpool.{Container, ContainerAddress, ContainerId}
import org.apache.openwhisk.core.entity.ByteSize
import org.apache.pekko.actor.ActorSystem
import org.apache.pekko.stream.scaladsl.Source
import org.apache.pekko.util.ByteString

/**
 * An action container on Mesos, as OpenWhisk's `Container`: `initialize` and `run` are OpenWhisk's own (inherited:
 * the invoker's HTTP client, retry and result rules talk to the task's host port); `logs`, `suspend`, `resume` and
 * `destroy` go to our [[WhiskContainer]]. Thread safety as the trait says: `run` may be called concurrently,
 * `suspend`/`resume`/`destroy` are serialized by the caller.
 */
class MesosContainer(val whisk: WhiskContainer)(implicit protected val as: ActorSystem,
                                               protected val logging: Logging)
    extends Container {

  protected val id: ContainerId = ContainerId(whisk.id())
  protected[core] val addr: ContainerAddress = ContainerAddress(whisk.address().host(), whisk.address().port())
  protected implicit val ec: ExecutionContext = as.dispatcher

  /** Closes the HTTP client (as every OpenWhisk container does); the Mesos task keeps running, as upstream. */
  override def suspend()(implicit transid: TransactionId): Future[Unit] =
    super.suspend().flatMap(_ => whisk.suspend().asScala).map(_ => ())

  override def resume()(implicit transid: TransactionId): Future[Unit] =
    whisk.resume().asScala.flatMap(_ => super.resume())

  /** Closes the HTTP client, then kills the task; completes when Mesos reports it terminal. */
  override def destroy()(implicit transid: TransactionId): Future[Unit] =
    super.destroy().recover { case _ => () }.flatMap(_ => whisk.destroy().asScala).map(_ => ())

  /**
   * The sandbox's stdout and stderr since the last call, one JSON log line per element (Docker's json-file format,
   * which the invoker's log store reads), sentinel lines left out; or the one line linking to the Mesos UI when
   * `mesos-link-log-message` is set.
   */
  override def logs(limit: ByteSize, waitForSentinel: Boolean)(implicit transid: TransactionId): Source[ByteString, Any] =
    Source
      .future(whisk.logs(limit.toBytes, waitForSentinel).asScala)
      .mapConcat(_.lines().asScala.map(line => ByteString(line)).toList)
}
