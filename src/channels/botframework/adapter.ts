import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';

export interface BotFrameworkSecrets {
  microsoftAppId?: string | undefined;
  microsoftAppPassword?: string | undefined;
  microsoftAppTenantId?: string | undefined;
}

export interface ChannelLog {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * The Bot Framework adapter. Without an app id it runs anonymously, as the Bot Framework Emulator expects: activities
 * are accepted unsigned and replies are sent without a token. With one, every request must carry a JWT the Bot
 * Framework issued for this app (401 otherwise) and replies are signed with the app's credentials.
 */
export function createCloudAdapter(secrets: BotFrameworkSecrets, log: ChannelLog): CloudAdapter {
  const appId = secrets.microsoftAppId;
  const auth = new ConfigurationBotFrameworkAuthentication(appId ? {
    MicrosoftAppId: appId,
    MicrosoftAppPassword: secrets.microsoftAppPassword,
    MicrosoftAppTenantId: secrets.microsoftAppTenantId,
    MicrosoftAppType: secrets.microsoftAppTenantId ? 'SingleTenant' : 'MultiTenant',
  } : {});
  const adapter = new CloudAdapter(auth);
  // Nothing is said to the customer: every sentence the bot says comes from the catalogues, and a failed turn is a
  // bug to read in the log (without the customer's text).
  adapter.onTurnError = async (context, error) => {
    log.error(`bot framework turn failed (${context.activity.channelId}, ${context.activity.type}): ${error.message}`);
  };
  return adapter;
}
