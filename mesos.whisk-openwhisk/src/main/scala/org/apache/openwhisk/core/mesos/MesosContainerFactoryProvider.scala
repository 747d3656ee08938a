package org.apache.openwhisk.core.mesos

import java.time.Duration
import java.util.concurrent.{TimeUnit, TimeoutException}

import scala.jdk.CollectionConverters._
import scala.util.control.NonFatal

import io.mesowhisk.openwhisk.internal.EmbeddedFramework
import io.mesowhisk.whisk.{WhiskContainerFactory, WhiskMesosConfig, WhiskMesosSettings}
import org.apache.openwhisk.common.Logging
import org.apache.openwhisk.core.WhiskConfig
import org.apache.openwhisk.core.containerpool.{ContainerFactory, ContainerFactoryProvider}
import org.apache.openwhisk.core.entity.InvokerInstanceId
import org.apache.pekko.actor.ActorSystem
import org.apache.pekko.event.{Logging => PekkoLogging}

/**
 * The invoker's entry point, selected by
 * `CONFIG_whisk_spi_ContainerFactoryProvider=org.apache.openwhisk.core.mesos.MesosContainerFactoryProvider`
 * (OpenWhisk's `SpiLoader` reads this object's `MODULE$`).
 *
 * `instance(...)` starts the embedded OSGi framework with our bundles (once: a second call while it runs returns the
 * same factory), gives it the invoker's `whisk.mesos` settings, waits for the container factory service and returns
 * it as OpenWhisk's `ContainerFactory`. Without `whisk.mesos.master-url` the bundles run in local mode (an embedded
 * Mesos emulator). `cleanup()` of the returned factory stops the framework again.
 *
 * Thread-safe: `instance` is synchronized.
 */
object MesosContainerFactoryProvider extends ContainerFactoryProvider {

  private final case class Running(framework: EmbeddedFramework, factory: MesosContainerFactory)

  private var running: Option[Running] = None

  override def instance(actorSystem: ActorSystem,
                        logging: Logging,
                        config: WhiskConfig,
                        instance: InvokerInstanceId,
                        parameters: Map[String, Set[String]]): ContainerFactory = synchronized {
    running.map(_.factory).getOrElse {
      val started = start(actorSystem, logging, config, instance, parameters)
      running = Some(started)
      started.factory
    }
  }

  private def start(actorSystem: ActorSystem,
                    logging: Logging,
                    config: WhiskConfig,
                    invoker: InvokerInstanceId,
                    parameters: Map[String, Set[String]]): Running = {
    val log = PekkoLogging(actorSystem, getClass)
    val typesafe = actorSystem.settings.config
    val settings = ProviderSettings(typesafe, invoker.instance)
    val containers = ContainerSettings(typesafe)
    val layer = WhiskMesosLayer(typesafe)
    val started = System.nanoTime()
    val deadline = started + settings.startTimeout.toNanos
    def remaining = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))

    // the invoker's whisk.mesos keys are in ConfigAdmin before the adapter starts: its first settings are theirs
    val configurations: Map[String, java.util.Map[String, AnyRef]] =
      if (layer.nonEmpty) Map(WhiskMesosConfig.PID -> layer.asJava) else Map.empty
    // the framework id must outlive the bundle cache, which is emptied at every start: kept beside it, so that a
    // restarted invoker fails over to the same Mesos framework instead of registering a new one
    val framework = EmbeddedFramework.start(
      settings.bundleCache.resolve("felix-cache"),
      Map("mesos.scheduler.state.dir" -> settings.bundleCache.resolve("state").toString).asJava,
      configurations.asJava,
      remaining)
    try {
      val whisk =
        try {
          // Wait for settings that include the invoker's layer (in force from the start, unless the adapter
          // refuses them), and for the factory of their mode.
          val refusal = new RefusalWatch(framework)
          val inForce = awaitSettings(framework, includingLayer = layer.nonEmpty, refusal, remaining)
          val filter = s"(whisk.mesos.local-mode=${inForce.localMode})"
          var factory: Option[WhiskContainerFactory] = None
          while (factory.isEmpty) {
            try factory = Some(framework.awaitService(classOf[WhiskContainerFactory], filter, slice(remaining)))
            catch {
              case e: TimeoutException if System.nanoTime() < deadline => refusal.check()
            }
          }
          factory.get
        } catch {
          // no factory because the adapter refuses the invoker's whisk.mesos settings: that is the reason to report
          case e: TimeoutException =>
            val refusal = framework.configurationRefusal()
            if (refusal.isEmpty) throw e
            throw new IllegalStateException(s"${refusal.get} (${e.getMessage})", e)
        }
      val stopTimeout = Duration.ofSeconds(30)
      lazy val factory: MesosContainerFactory =
        new MesosContainerFactory(whisk, containers, invoker, parameters, apiHost(config), () => stopped(factory, stopTimeout))(
          actorSystem,
          logging)
      log.info(
        "Mesos container factory ready in {} ms (embedded framework: {}; bundle cache {}; whisk.mesos keys from the " +
          "configuration files: {})",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        framework.startup(),
        settings.bundleCache,
        if (layer.isEmpty) "none" else layer.keys.toSeq.sorted.mkString(", "))
      Running(framework, factory)
    } catch {
      case NonFatal(e) =>
        framework.stop(Duration.ofSeconds(30))
        throw new IllegalStateException(s"the Mesos container factory did not start: ${e.getMessage}", e)
    }
  }

  /**
   * The `whisk.mesos` settings in force in the embedded framework; with `includingLayer`, only once they include the
   * ConfigAdmin layer `instance` gave (a value whose source is ConfigAdmin: the layer holds no key that a system
   * property or environment variable sets, so each of its values is in force from ConfigAdmin).
   */
  private def awaitSettings(framework: EmbeddedFramework,
                            includingLayer: Boolean,
                            refusal: RefusalWatch,
                            timeout: Duration): WhiskMesosSettings = {
    val deadline = System.nanoTime() + timeout.toNanos
    var settings: Option[WhiskMesosSettings] = None
    while (settings.isEmpty) {
      val context = framework.context()
      val reference = context.getServiceReference(classOf[WhiskMesosConfig])
      if (reference != null) {
        val config = context.getService(reference)
        try {
          // current() throws when the settings were withdrawn after the reference was taken (a refusal): none yet,
          // and the refusal watch decides
          settings = Option(config)
            .flatMap(c => try Some(c.current()) catch { case _: IllegalStateException => None })
            .filter(s => !includingLayer || s.sources().values().asScala.exists(_.startsWith("ConfigAdmin")))
        } finally context.ungetService(reference)
      }
      if (settings.isEmpty) {
        refusal.check()
        if (System.nanoTime() > deadline)
          throw new TimeoutException(
            s"no whisk.mesos settings${if (includingLayer) " with the invoker's configuration file values" else ""} " +
              s"in force within $timeout; ${framework.diagnostics()}")
        Thread.sleep(10) // a poll interval; the condition decides
      }
    }
    settings.get
  }

  /** At most a quarter of a second of what is left: waits are cut into slices to look for a refusal in between. */
  private def slice(remaining: Duration): Duration =
    if (remaining.compareTo(Duration.ofMillis(250)) < 0) remaining else Duration.ofMillis(250)

  /**
   * Ends the wait at once when the adapter refuses the `whisk.mesos` settings and nothing in this invoker can change
   * that: the configuration comes from the invoker's files, system properties and environment, read once, so a
   * refusal heals only when a constraint operator bundle still starting brings the operator it names. Once every
   * bundle is active and the refusal has stood for a second, waiting for `start-timeout` would only delay the error.
   */
  private final class RefusalWatch(framework: EmbeddedFramework) {
    private var since = 0L

    def check(): Unit = {
      val refusal = framework.configurationRefusal()
      if (refusal.isEmpty || !framework.allBundlesActive()) since = 0L
      else if (since == 0L) since = System.nanoTime()
      else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(1))
        throw new IllegalStateException(s"${refusal.get} (every bundle is active, so the configuration must change)")
    }
  }

  /** Stops the embedded framework of this factory (end of `cleanup()`); a later `instance` starts a new one. */
  private def stopped(factory: MesosContainerFactory, timeout: Duration): Unit = synchronized {
    running.filter(_.factory eq factory).foreach { r =>
      running = None
      r.framework.stop(timeout)
    }
  }

  /**
   * The invoker's API host for `__OW_API_HOST`: `WhiskConfig.wskApiHost`, which can be empty even when the
   * invoker's environment has it, so `WHISK_API_HOST_PROTO`/`_NAME`/`_PORT` are the fallback.
   */
  private[mesos] def apiHost(config: WhiskConfig, env: Map[String, String] = sys.env): Option[String] = {
    val configured = Option(config).flatMap(c => Option(c.wskApiHost)).filter(h => h.nonEmpty && !h.contains("://:"))
    configured.orElse(env.get("WHISK_API_HOST_NAME").filter(_.nonEmpty).map { host =>
      val proto = env.get("WHISK_API_HOST_PROTO").filter(_.nonEmpty).getOrElse("https")
      val port = env.get("WHISK_API_HOST_PORT").filter(_.nonEmpty).map(":" + _).getOrElse("")
      s"$proto://$host$port"
    })
  }
}
