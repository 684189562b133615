import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TemplateRenderer } from './template-renderer.js';

/** The app's TemplateRenderer: `config.notifications.templatesDir`, globals from the configuration. */
@Injectable()
export class NotificationRendererService extends TemplateRenderer {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(config.notifications.templatesDir, {
      portalUrl: config.portalUrl,
      teamEmail: config.teamEmail,
      teamPhone: config.notifications.teamPhone,
    });
  }
}
