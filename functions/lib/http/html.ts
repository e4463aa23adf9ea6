import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { AppError } from '../errors';
import { logger } from '../logger';
import type { HttpResponse } from './responses';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A minimal page for people who land on the platform from WeChat (no console needed). */
export function page(statusCode: number, title: string, message: string): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
  };
}

/** Like the JSON error handler, for pages a person sees: errors become readable HTML. */
export function htmlErrorHandler(describe: (error: Error) => { title: string; message: string } | undefined): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async (request) => {
      const { error } = request;
      const known = error ? describe(error) : undefined;
      if (known) {
        request.response = page(error instanceof AppError && error.statusCode < 500 ? error.statusCode : 400, known.title, known.message);
        return;
      }
      logger.error('page failed', { errorName: error?.name, message: error?.message });
      request.response = page(error instanceof AppError ? error.statusCode : 500, 'Something went wrong', 'The authorization could not be completed. Please try again in a moment.');
    },
  };
}
